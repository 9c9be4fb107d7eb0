using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Bench;

/// <summary>
/// HTTP clients on loopback: POST /v1/transactions?wait=true with the JSON body the SDK sends,
/// encoded before the clock starts. One HttpClient per client over a shared connection pool.
/// </summary>
public sealed class HttpSender : ITransactionSender, IDisposable
{
    private const string SubmitPath = "v1/transactions?wait=true";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
    private readonly HttpClient[] _clients;
    private readonly byte[][][] _bodies;
    private long _retries;

    public HttpSender(Uri node, Transaction[][] plans)
    {
        _clients = plans.Select(_ => new HttpClient(_handler, disposeHandler: false) { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        _bodies = plans.Select(txs => txs.Select(Body).ToArray()).ToArray();
    }

    public long Retries => Interlocked.Read(ref _retries);

    private static byte[] Body(Transaction tx) =>
        JsonSerializer.SerializeToUtf8Bytes(new SubmitRequest(Convert.ToBase64String(tx.Encode())), JsonSerializerOptions.Web);

    public async ValueTask<Delivery> SendAsync(int client, int index, CancellationToken ct)
    {
        while (true)
        {
            using var content = new ByteArrayContent(_bodies[client][index]);
            content.Headers.ContentType = Json;
            using var response = await _clients[client].PostAsync(SubmitPath, content, ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return await ReadValidityAsync(response, ct) ? Delivery.Valid : Delivery.Invalid;
                case HttpStatusCode.Accepted:
                    return Delivery.Pending;
                case HttpStatusCode.TooManyRequests:
                    Interlocked.Increment(ref _retries);
                    await Task.Delay(BackOff.Next(), ct);
                    continue;
                case HttpStatusCode.UnprocessableEntity:
                    return Delivery.Rejected;
                default:
                    return Delivery.Failed;
            }
        }
    }

    private static async Task<bool> ReadValidityAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var answer = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        return answer.RootElement.GetProperty("receipt").GetProperty("valid").GetBoolean();
    }

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
        _handler.Dispose();
    }
}

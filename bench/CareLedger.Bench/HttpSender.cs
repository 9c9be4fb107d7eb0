using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Bench;

/// <summary>
/// HTTP clients on loopback: POST /v1/transactions?wait=true with the JSON body the SDK sends,
/// encoded before the clock starts. Client c talks to node c modulo the node count; a client whose
/// node stops answering counts that transaction as failed and moves to the next node.
/// </summary>
public sealed class HttpSender : ITransactionSender, IDisposable
{
    private const string SubmitPath = "v1/transactions?wait=true";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
    private readonly HttpClient[] _nodes;
    private readonly int[] _nodeOf;
    private readonly byte[][][] _bodies;
    private long _retries;

    public HttpSender(IReadOnlyList<Uri> nodes, Transaction[][] plans)
    {
        _nodes = nodes.Select(n => new HttpClient(_handler, disposeHandler: false) { BaseAddress = n, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        _nodeOf = Enumerable.Range(0, plans.Length).Select(c => c % nodes.Count).ToArray();
        _bodies = plans.Select(txs => txs.Select(Body).ToArray()).ToArray();
    }

    public long Retries => Interlocked.Read(ref _retries);

    private static byte[] Body(Transaction tx) =>
        JsonSerializer.SerializeToUtf8Bytes(new SubmitRequest(Convert.ToBase64String(tx.Encode())), JsonSerializerOptions.Web);

    public async ValueTask<Delivery> SendAsync(int client, int index, CancellationToken ct)
    {
        try
        {
            return await SubmitAsync(_nodes[_nodeOf[client]], _bodies[client][index], ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _nodeOf[client] = (_nodeOf[client] + 1) % _nodes.Length;
            return Delivery.Failed;
        }
    }

    private async Task<Delivery> SubmitAsync(HttpClient node, byte[] body, CancellationToken ct)
    {
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var response = await node.PostAsync(SubmitPath, content, ct);
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
        foreach (var node in _nodes) node.Dispose();
        _handler.Dispose();
    }
}

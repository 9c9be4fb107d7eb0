using CareLedger.Client.Api;
using System.Collections.Concurrent;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CareLedger.Node.Fhir;

/// <summary>
/// The node's own records API, reached the way any client reaches it. The FHIR endpoint drives the
/// same <see cref="RecordsClient"/> a patient's or doctor's app uses, signing with the custodial
/// key, so encryption, consent checks, break-glass rules and access logging are exactly those of
/// /v1/records: nothing is re-implemented for FHIR.
/// </summary>
public sealed class NodeLoopback(IServer server) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<AccountId, SemaphoreSlim> _writers = new();
    private HttpClient? _http;
    private RecordsClient? _records;

    public RecordsClient Records
    {
        get
        {
            lock (_lock)
            {
                if (_records is not null) return _records;
                var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                _http = new HttpClient { BaseAddress = Choose(addresses), Timeout = TimeSpan.FromSeconds(60) };
                return _records = new RecordsClient(new NodeClient(_http));
            }
        }
    }

    /// <summary>One write at a time per account: each transaction takes the sender's next nonce, so concurrent writes would collide.</summary>
    public async Task<T> WriteAsync<T>(AccountId author, Func<RecordsClient, Task<T>> write, CancellationToken ct)
    {
        var gate = _writers.GetOrAdd(author, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try { return await write(Records); }
        finally { gate.Release(); }
    }

    /// <summary>A loopback address the server listens on, plain HTTP preferred; wildcard hosts become loopback.</summary>
    public static Uri Choose(IEnumerable<string> addresses)
    {
        var address = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)).FirstOrDefault()
            ?? throw new InvalidOperationException("the node is not listening on any address yet");
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        uri.Host = uri.Host switch { "0.0.0.0" => "127.0.0.1", "[::]" => "[::1]", _ => uri.Host };
        uri.Path = "/";
        return uri.Uri;
    }

    public void Dispose()
    {
        _http?.Dispose();
        foreach (var gate in _writers.Values) gate.Dispose();
    }
}

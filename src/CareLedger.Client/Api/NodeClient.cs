using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using CareLedger.Vault.Crypto;

namespace CareLedger.Client.Api;

/// <summary>
/// Talks to a CareLedger node's HTTP API. Every refusal becomes a <see cref="NodeApiException"/>. State entries and
/// contract answers come as JSON of their CBOR form; the typed reads decode them with their record's codec.
/// Reads are anonymous unless the client reads <see cref="As"/> someone: then every read is signed with their key, and
/// the node answers what that account may see (ADR 0011). Signed requests are for this node and chain only
/// (<see cref="AudienceAsync"/>).
/// </summary>
public sealed class NodeClient
{
    private readonly HttpClient http;
    private readonly IAccountKey? reader;
    private readonly AudienceCache audience;

    /// <param name="crypto">Where record envelopes are sealed and opened: .NET's primitives unless given (the portal gives WebCrypto's).</param>
    /// <param name="trust">Whose signatures prove the lists record keys are wrapped for: the validators first proven, unless given.</param>
    public NodeClient(HttpClient http, IAccountKey? reader = null, IRecordCrypto? crypto = null, ChainTrust? trust = null)
        : this(http, reader, new AudienceCache(), crypto ?? DotNetRecordCrypto.Instance, trust ?? ChainTrust.FirstUse())
    {
    }

    public NodeClient(Uri baseAddress) : this(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) })
    {
    }

    private NodeClient(HttpClient http, IAccountKey? reader, AudienceCache audience, IRecordCrypto crypto, ChainTrust trust)
    {
        this.http = http;
        this.reader = reader;
        this.audience = audience;
        Crypto = crypto;
        Trust = trust;
    }

    /// <summary>The validators whose signed headers this client checks the node's lists against (shared by every <see cref="As"/> view).</summary>
    public ChainTrust Trust { get; }

    /// <summary>The primitives record envelopes are made with on this platform.</summary>
    public IRecordCrypto Crypto { get; }

    /// <summary>The key reads are signed with, or null for anonymous reads.</summary>
    public IAccountKey? Reader => reader;

    /// <summary>The same node, read as <paramref name="key"/>'s holder.</summary>
    public NodeClient As(IAccountKey key) => ReferenceEquals(key, reader) ? this : new(http, key, audience, Crypto, Trust);

    /// <summary>The chain and node that requests to this node are signed for: asked once (<c>GET /v1/chain</c>) and kept.</summary>
    public async Task<RequestAudience> AudienceAsync(CancellationToken ct = default)
    {
        if (audience.Value is { } known) return known;
        using var response = await http.GetAsync("v1/chain", ct);
        var chain = await ReadAsync<ChainInfoDto>(response, ct);
        if (chain.NodeKey is null) throw new NodeApiException(HttpStatusCode.BadGateway, "Node key unknown", "The node did not say its key (nodeKey in GET /v1/chain), so no request to it can be signed.");
        return audience.Value = RequestAudience.Of(chain.ChainId, Convert.FromBase64String(chain.NodeKey));
    }

    /// <summary>A GET, signed when the client reads as someone; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> GetResponseAsync(string path, CancellationToken ct = default)
    {
        if (reader is null) return await http.GetAsync(path, ct);
        using var request = await SignedHttp.Get(reader, await AudienceAsync(ct), path);
        return await http.SendAsync(request, ct);
    }

    /// <summary>Sends a request <paramref name="build"/> signs for this node; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> SendSignedAsync(Func<RequestAudience, Task<HttpRequestMessage>> build, CancellationToken ct = default)
    {
        using var request = await build(await AudienceAsync(ct));
        return await http.SendAsync(request, ct);
    }

    public static Uri DefaultNode => new(Environment.GetEnvironmentVariable("CARELEDGER_NODE") ?? "http://127.0.0.1:5080");

    public HttpClient Http => http;

    public Task<ChainInfoDto> GetChainAsync(CancellationToken ct = default) => GetAsync<ChainInfoDto>("v1/chain", ct);

    public Task<AccountDto> GetAccountAsync(AccountId account, CancellationToken ct = default) => GetAsync<AccountDto>($"v1/accounts/{account}", ct);

    public async Task<SubmitResponse> SubmitAsync(Transaction tx, bool wait, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync($"v1/transactions?wait={(wait ? "true" : "false")}",
            new SubmitRequest(Convert.ToBase64String(tx.Encode())), ct);
        return await ReadAsync<SubmitResponse>(response, ct);
    }

    public Task<ReceiptDto> GetReceiptAsync(string txId, CancellationToken ct = default) => GetAsync<ReceiptDto>($"v1/transactions/{txId}", ct);

    public Task<BlockDto> GetBlockAsync(string heightOrHash, CancellationToken ct = default) => GetAsync<BlockDto>($"v1/blocks/{heightOrHash}", ct);

    public Task<RawBlockDto> GetRawBlockAsync(ulong height, CancellationToken ct = default) => GetAsync<RawBlockDto>($"v1/blocks/{height}/raw", ct);

    public Task<ProofDto> GetProofAsync(string txId, CancellationToken ct = default) => GetAsync<ProofDto>($"v1/proofs/{txId}", ct);

    /// <summary>The proof once a majority of validators has signed its block (a consortium gathers signatures after commit).</summary>
    public Task<ProofDto> GetFinalProofAsync(string txId, int timeoutSeconds, CancellationToken ct = default) =>
        GetAsync<ProofDto>($"v1/proofs/{txId}?final=true&timeoutSeconds={timeoutSeconds}", ct);

    public Task<StateEntryDto> GetStateAsync(string key, CancellationToken ct = default) =>
        GetAsync<StateEntryDto>("v1/state/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)), ct);

    public async Task<JsonObject> QueryAsync(string contract, string query, CborMap args, CancellationToken ct = default)
    {
        var path = $"v1/contracts/{contract}/queries/{query}";
        using var response = reader is null
            ? await http.PostAsJsonAsync(path, CborMapJson.ToJson(args), ct)
            : await SendSignedAsync(a => SignedHttp.Post(reader, a, path, CborMapJson.ToJson(args)), ct);
        return await ReadAsync<JsonObject>(response, ct);
    }

    /// <summary>A contract's answer as the record it is, read strictly: a field too many or too few is a <see cref="JsonException"/>.</summary>
    public async Task<T> QueryAsync<T>(string contract, string query, CborMap args, CancellationToken ct = default) where T : ICborRecord<T> =>
        Decode<T>(await QueryAsync(contract, query, args, ct));

    /// <summary>
    /// Every item of a paged list query (<see cref="QueryPaging"/>), asked <paramref name="pageSize"/> (1 to 1000) at a time,
    /// each page after the last one's <c>next</c>.
    /// </summary>
    public async IAsyncEnumerable<T> QueryAllAsync<TPage, T>(string contract, string query, CborMap args, int pageSize = QueryPaging.MaxLimit,
        [EnumeratorCancellation] CancellationToken ct = default) where TPage : ICborRecord<TPage>, IQueryPage<T>
    {
        var pageArgs = new CborMap { ["limit"] = (long)pageSize };
        foreach (var (name, value) in args) pageArgs[name] = value;
        while (true)
        {
            var page = await QueryAsync<TPage>(contract, query, pageArgs, ct);
            foreach (var item in page.Items) yield return item;
            if (page.Next.Length == 0) yield break;
            pageArgs["after"] = page.Next;
        }
    }

    /// <summary>The record under a state key, or null when nothing is stored there.</summary>
    public async Task<T?> GetStateAsync<T>(StateKey<T> key, CancellationToken ct = default) where T : class, ICborRecord<T>
    {
        try { return Decode<T>((await GetStateAsync(key.Value, ct)).Value); }
        catch (NodeApiException e) when (e.Status == HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>Every record under a key prefix, in key order, fetched <paramref name="pageSize"/> (1 to 1000) at a time by following the node's next links.</summary>
    public async IAsyncEnumerable<(string Key, T Value)> ScanStateAsync<T>(StatePrefix<T> prefix, int pageSize = 1000, [EnumeratorCancellation] CancellationToken ct = default)
        where T : class, ICborRecord<T>
    {
        string? path = $"v1/state?prefix={Uri.EscapeDataString(prefix.Value)}&limit={pageSize}";
        while (path is not null)
        {
            using var response = await GetResponseAsync(path, ct);
            var entries = await ReadAsync<List<StateEntryDto>>(response, ct);
            foreach (var e in entries) yield return (e.Key, Decode<T>(e.Value));
            path = NextLink(response);
        }
    }

    /// <summary>Every item of a paged list, a GET per page (signed when the client reads as someone), following the node's next links.</summary>
    public async Task<List<T>> GetAllPagesAsync<T>(string path, CancellationToken ct = default)
    {
        var items = new List<T>();
        for (string? next = path; next is not null;)
        {
            using var response = await GetResponseAsync(next, ct);
            items.AddRange(await ReadAsync<List<T>>(response, ct));
            next = NextLink(response);
        }
        return items;
    }

    /// <summary>The relative address in a <c>Link: &lt;/v1/…&gt;; rel="next"</c> header, or null on the last page.</summary>
    public static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[1] == "rel=\"next\"" && parts[0].StartsWith("</", StringComparison.Ordinal) && parts[0].EndsWith('>'))
                return parts[0][2..^1];
        }
        return null;
    }

    /// <summary>Builds, signs and submits a transaction with the sender's next nonce, waiting for its block.</summary>
    public async Task<SubmitResponse> SendAsync(IAccountKey key, string contract, string action, CborMap args, CancellationToken ct = default)
    {
        var chain = await GetChainAsync(ct);
        var account = await GetAccountAsync(key.Account, ct);
        var tx = await Transaction.CreateAsync(key, chain.ChainId, account.LastNonce + 1, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), contract, action, args);
        return await SubmitAsync(tx, wait: true, ct);
    }

    /// <summary>
    /// Sends an action as <see cref="SendAsync"/> does and returns its receipt once it is in a block and took effect; throws
    /// <see cref="ContractActionException"/> when the contract refused it or it is not in a block yet.
    /// </summary>
    public async Task<ReceiptDto> CommitAsync(IAccountKey key, string contract, string action, CborMap args, CancellationToken ct = default)
    {
        var sent = await SendAsync(key, contract, action, args, ct);
        if (sent.Receipt is not { Status: "committed" } receipt) throw new ContractActionException(contract, action, sent.Id, null);
        if (receipt.Valid != true) throw new ContractActionException(contract, action, sent.Id, receipt);
        return receipt;
    }

    internal async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await GetResponseAsync(path, ct);
        return await ReadAsync<T>(response, ct);
    }

    private static T Decode<T>(JsonNode? json) where T : ICborRecord<T>
    {
        try
        {
            return T.FromCbor(CborMapJson.FromJson(json as JsonObject ?? throw new CborMapException("not a JSON object")));
        }
        catch (Exception e) when (e is CborMapException or FormatException or InvalidOperationException)
        {
            throw new JsonException($"the answer is not the {typeof(T).Name} expected: {e.Message}", e);
        }
    }

    /// <summary>What a client and its <see cref="As"/> views learnt of the node once.</summary>
    private sealed class AudienceCache
    {
        public RequestAudience? Value { get; set; }
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            string title = response.ReasonPhrase ?? response.StatusCode.ToString();
            string? detail = null;
            try
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
                title = problem?["title"]?.GetValue<string>() ?? title;
                detail = problem?["detail"]?.GetValue<string>();
            }
            catch (JsonException) { }
            catch (NotSupportedException) { }
            throw new NodeApiException(response.StatusCode, title, detail);
        }
        return await response.Content.ReadFromJsonAsync<T>(ct) ?? throw new NodeApiException(HttpStatusCode.BadGateway, "empty answer from node", null);
    }
}

using CareLedger.Client.Records;
using CareLedger.Node.Chain;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Consortium;
using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;
using Microsoft.Data.Sqlite;

namespace CareLedger.Testing;

/// <summary>
/// A demo consortium of real processes on loopback ports: an etcd cluster with one member per
/// organisation and one CareLedger node per organisation, each node listing its own etcd member
/// first. Node 0 holds the demo keys and seeds the demo. etcd runs as docs/consortium-tls.md says
/// (TLS, client certificates, users and roles; <c>.EtcdAccess</c>). Dispose kills every process it started.
/// </summary>
public sealed partial class ConsortiumCluster : IDisposable
{
    public const string ChainId = DemoConsortium.ChainId;
    public const string NodePassphrase = "test-node-passphrase";
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private readonly TempFolder _root = new();
    private readonly HttpClient[] _http;
    private readonly KeyStore _demoKeys;
    private readonly ConcurrentDictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);
    private bool _disposed;

    public ConsortiumCluster(int size = 3, int leaseSeconds = 1)
    {
        Pki = new EtcdPki(Path.Combine(_root.Path, "pki"));
        Etcd = new EtcdCluster(Path.Combine(_root.Path, "etcd"), size, Pki);
        var dirs = Enumerable.Range(0, size).Select(i => Path.Combine(_root.Path, $"node{i}")).ToList();
        GenesisPath = DemoConsortium.CreateConsortium(dirs, NodePassphrase, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Nodes = [.. dirs.Select(dir => new NodeProcess(dir))];
        foreach (var node in Nodes) node.Environment["CareLedger__Consortium__LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _http = [.. Nodes.Select(n => new HttpClient { BaseAddress = n.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })];
        var genesis = GenesisFile.Load(GenesisPath);
        ValidatorOf = [.. genesis.Validators.Select(v => AccountId.FromPublicKey(v).ToString())];
        Validators = genesis.ValidatorAccounts;
        _demoKeys = new KeyStore(Path.Combine(dirs[0], DemoConsortium.KeyFolderName));
    }

    public EtcdCluster Etcd { get; }
    public IReadOnlyList<NodeProcess> Nodes { get; }
    public int Size => Nodes.Count;
    public string GenesisPath { get; }

    /// <summary>Node i's validator account, as its status reports it in <c>self</c>.</summary>
    public IReadOnlyList<string> ValidatorOf { get; }
    public IReadOnlySet<AccountId> Validators { get; }
    public int Quorum => Size / 2 + 1;

    /// <summary>A demo member's key (passphrase "demo"), unlocked once.</summary>
    public SigningKey Key(string name) => _keys.GetOrAdd(name, n => _demoKeys.Load(n, DemoConsortium.Passphrase));

    public string LedgerPath(int i) => Path.Combine(Nodes[i].DataDir, "ledger.db");

    /// <summary>Starts etcd, then every node at once: a node is ready only once the consortium commits its start-up transactions.</summary>
    public async Task StartAsync()
    {
        await Etcd.StartAsync();
        await EnableEtcdAuthAsync();
        await Task.WhenAll(Enumerable.Range(0, Size).Select(i => StartNodeAsync(i)));
    }

    public Task StartNodeAsync(int i, params string[] extraArgs) => Nodes[i].StartAsync(TimeSpan.FromSeconds(90), [.. NodeArgs(i), .. extraArgs]);

    /// <summary>
    /// Starts node i when it may halt (a halted node never answers /ready): returns its status once
    /// it reports role "halted" or once it is ready; throws if it exits or does neither in time.
    /// </summary>
    public async Task<ConsortiumStatus> StartUntilHaltedOrReadyAsync(int i, TimeSpan timeout, params string[] extraArgs)
    {
        var start = StartNodeAsync(i, extraArgs);
        // A halted node's start keeps polling /ready until the process is killed; observe its end so it faults quietly.
        _ = start.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        ConsortiumStatus? status = null;
        await WaitUntilAsync(async () =>
        {
            if (start.IsFaulted && !Nodes[i].IsRunning) throw new InvalidOperationException($"node {i} exited instead of starting:\n{Nodes[i].Output}");
            status = await TryStatusAsync(i);
            return status?.Role == "halted" || (start.IsCompletedSuccessfully && status is not null);
        }, timeout, $"node {i} to halt or be ready");
        return status!;
    }

    /// <summary>The node's command line: its own etcd member first, then the others; its advertised API address.</summary>
    public string[] NodeArgs(int i)
    {
        var etcd = new[] { Etcd.ClientUrl(i) }.Concat(Enumerable.Range(0, Size).Where(j => j != i).Select(Etcd.ClientUrl));
        return ["--etcd", string.Join(",", etcd), "--advertise", Nodes[i].BaseAddress.ToString().TrimEnd('/'), .. EtcdTlsArgs(NodeEtcdUser(i))];
    }

    public HttpClient Http(int i) => _http[i];

    /// <summary>Whom a request to node <paramref name="i"/> is signed for: the chain and that node's validator account.</summary>
    public RequestAudience Audience(int i) => new(ChainId, AccountId.Parse(ValidatorOf[i]));

    public async Task<ConsortiumStatus?> TryStatusAsync(int i, CancellationToken ct = default)
    {
        if (!Nodes[i].IsRunning) return null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            // The status is for staff and nodes: asked as the demo clinic's admin, signed at the node's own time (a node whose
            // clock a test shifted refuses requests signed more than five minutes off its clock, as it should).
            var offset = Nodes[i].Environment.TryGetValue("CareLedger__Testing__ClockOffsetMs", out var ms) && long.TryParse(ms, out var shift) ? shift : 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/consortium/status");
            request.Headers.TryAddWithoutValidation(RequestSignature.Header,
                RequestSignature.Sign(Key("clinic-admin"), Audience(i), "GET", "/v1/consortium/status", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + offset, []));
            using var response = await _http[i].SendAsync(request, timeout.Token);
            return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ConsortiumStatus>(Json, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException) { return null; }
    }

    /// <summary>Waits until exactly one of <paramref name="among"/> (default: every running node) reports itself leader.</summary>
    public async Task<int> WaitForLeaderAsync(TimeSpan timeout, IEnumerable<int>? among = null)
    {
        var candidates = (among ?? Enumerable.Range(0, Size)).ToList();
        var leader = -1;
        await WaitUntilAsync(async () =>
        {
            var statuses = await Task.WhenAll(candidates.Select(i => TryStatusAsync(i)));
            var leaders = candidates.Where((_, k) => statuses[k]?.Role == "leader").ToList();
            leader = leaders.Count == 1 ? leaders[0] : -1;
            return leader >= 0;
        }, timeout, "a leader");
        return leader;
    }

    /// <summary>Node i's head height and hash from /v1/chain; null if it does not answer.</summary>
    public async Task<(ulong Height, string Hash)?> TryHeadAsync(int i)
    {
        if (!Nodes[i].IsRunning) return null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var chain = await _http[i].GetFromJsonAsync<ChainInfoDto>("v1/chain", Json, timeout.Token);
            return chain is null ? null : (chain.Height, chain.HeadHash);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException) { return null; }
    }

    /// <summary>Waits until node i holds at least block <paramref name="height"/>.</summary>
    public Task WaitForHeightAsync(int i, ulong height, TimeSpan timeout) =>
        WaitWhileRunningAsync([i], async () => (await TryHeadAsync(i))?.Height >= height, timeout, $"node {i} to reach height {height}");

    /// <summary>Waits until the nodes report the same head (height and hash) twice in a row, a quiet moment apart.</summary>
    public async Task<(ulong Height, string Hash)> WaitForSameHeadAsync(IReadOnlyList<int> nodes, TimeSpan timeout)
    {
        (ulong Height, string Hash) agreed = default;
        await WaitWhileRunningAsync(nodes, async () =>
        {
            var first = await Task.WhenAll(nodes.Select(TryHeadAsync));
            if (first.Any(h => h is null) || first.Select(h => h!.Value).Distinct().Count() != 1) return false;
            await Task.Delay(300);
            var second = await Task.WhenAll(nodes.Select(TryHeadAsync));
            agreed = first[0]!.Value;
            return second.All(h => h == agreed);
        }, timeout, $"nodes {string.Join(", ", nodes)} to agree on their head");
        return agreed;
    }

    /// <summary>Every block hash node i serves, by height, read through the block list API (newest first, 100 a page).</summary>
    public async Task<IReadOnlyList<string>> BlockHashesAsync(int i)
    {
        var head = await TryHeadAsync(i) ?? throw new InvalidOperationException($"node {i} does not answer");
        var hashes = new string[head.Height + 1];
        var before = head.Height + 1;
        while (before > 0)
        {
            var page = await _http[i].GetFromJsonAsync<JsonArray>($"v1/blocks?before={before}&limit=100", Json) ?? [];
            if (page.Count == 0) throw new InvalidOperationException($"node {i} listed no blocks before {before}");
            foreach (var item in page)
            {
                var height = item!["height"]!.GetValue<ulong>();
                if (height <= head.Height) hashes[height] = item["hash"]!.GetValue<string>();
            }
            before = page[^1]!["height"]!.GetValue<ulong>();
        }
        return hashes;
    }

    /// <summary>Heights at which the nodes' block hashes differ or a node lacks a block the others agree on, one line each (empty: the same chain).</summary>
    public async Task<IReadOnlyList<string>> ChainDifferencesAsync(IReadOnlyList<int> nodes)
    {
        var chains = await Task.WhenAll(nodes.Select(BlockHashesAsync));
        var differences = new List<string>();
        var top = chains.Max(c => c.Count);
        for (var h = 0; h < top; h++)
        {
            var at = chains.Select(c => h < c.Count ? c[h] : "(missing)").ToList();
            if (at.Distinct().Count() > 1)
                differences.Add($"height {h}: " + string.Join(", ", nodes.Select((n, k) => $"node {n} {at[k]}")));
        }
        return differences;
    }

    /// <summary>The ids of every transaction in node i's stored blocks, read from its SQLite file (safe while it runs: WAL).</summary>
    public IReadOnlySet<string> StoredTransactionIds(int i)
    {
        using var conn = OpenLedger(i);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id FROM txs";
        using var r = cmd.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) ids.Add(Convert.ToHexStringLower((byte[])r[0]));
        return ids;
    }

    /// <summary>Node i's stored blocks, decoded, in height order.</summary>
    public IReadOnlyList<Block> StoredBlocks(int i)
    {
        using var conn = OpenLedger(i);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT header, body FROM blocks ORDER BY height";
        using var r = cmd.ExecuteReader();
        var blocks = new List<Block>();
        while (r.Read()) blocks.Add(Block.Decode((byte[])r[0], (byte[])r[1]));
        return blocks;
    }

    /// <summary>A connection to node i's ledger file; only for a stopped node if it writes, since the node holds its own.</summary>
    public SqliteConnection OpenLedger(int i)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = LedgerPath(i), Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        conn.Open();
        return conn;
    }

    /// <summary>The highest last-used nonce of the account any running node reports.</summary>
    public async Task<ulong> LastNonceAsync(AccountId account, CancellationToken ct)
    {
        var nonces = await Task.WhenAll(Enumerable.Range(0, Size).Select(async i =>
        {
            if (!Nodes[i].IsRunning) return (ulong?)null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try { return (await _http[i].GetFromJsonAsync<AccountDto>($"v1/accounts/{account}", Json, timeout.Token))?.LastNonce; }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException) { return null; }
        }));
        return nonces.Any(n => n.HasValue) ? nonces.Max()!.Value : throw new InvalidOperationException("no node answered for the account's nonce");
    }

    public static Transaction Sign(SigningKey sender, ulong nonce, string contract, string action, CborMap args) =>
        Transaction.Create(sender, ChainId, nonce, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), contract, action, args);

    public static CborMap Transfer(AccountId to, long amount) => new() { ["asset"] = DemoConsortium.Asset, ["to"] = to.ToString(), ["amount"] = amount };

    /// <summary>
    /// POSTs the transaction to node i with wait=true, giving up a few seconds after the node's wait
    /// (a frozen node never answers); never throws for what the node or the network answers.
    /// </summary>
    public async Task<SubmitOutcome> SubmitAsync(int i, Transaction tx, int waitSeconds = 5, CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(waitSeconds + 3));
        try
        {
            using var response = await _http[i].PostAsJsonAsync($"v1/transactions?wait=true&timeoutSeconds={waitSeconds}",
                new SubmitRequest(Convert.ToBase64String(tx.Encode())), timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return new SubmitOutcome(tx.Id.ToString(), i, (int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !ct.IsCancellationRequested)
        {
            return new SubmitOutcome(tx.Id.ToString(), i, 0, e.GetType().Name + ": " + e.Message, null);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; on timeout throws with what each node says about itself.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}\n{await DescribeAsync()}");
    }

    /// <summary>Fails at once, with its output, if one of <paramref name="nodes"/> has exited (a node only ever exits when a test stops it).</summary>
    public void AssertRunning(IEnumerable<int> nodes)
    {
        foreach (var i in nodes)
            if (!Nodes[i].IsRunning) throw new InvalidOperationException($"node {i} has exited on its own:\n{Nodes[i].Output}");
    }

    private async Task WaitWhileRunningAsync(IReadOnlyList<int> nodes, Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            AssertRunning(nodes);
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}\n{await DescribeAsync()}");
    }

    /// <summary>Every node's status and the end of its output, for failure messages.</summary>
    public async Task<string> DescribeAsync(int outputLines = 25)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Size; i++)
        {
            var status = await TryStatusAsync(i);
            text.AppendLine($"--- node {i} ({ValidatorOf[i][..12]}, pid {Nodes[i].Pid?.ToString() ?? "none"}): " +
                (status is null ? "no status" : $"role {status.Role}, height {status.Height}, log {status.LogHeight}, final {status.FinalHeight}, leader {status.Leader?.Url ?? "none"}, halted {status.Halted ?? "no"}"));
            foreach (var line in Nodes[i].Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(outputLines)) text.AppendLine("  " + line.TrimEnd());
        }
        return text.ToString();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var node in Nodes) node.Dispose();
        Etcd.Dispose();
        foreach (var http in _http) http.Dispose();
        foreach (var key in _keys.Values) key.Dispose();
        _root.Dispose();
    }
}

/// <summary>What a node answered to a submission with wait=true: Status 0 means no answer (refused, reset or timed out).</summary>
public sealed record SubmitOutcome(string TxId, int Node, int Status, string Body, string? ContentType)
{
    /// <summary>The node acknowledged the transaction as committed.</summary>
    public bool Committed => Status == (int)HttpStatusCode.OK && Body.Contains("\"committed\"", StringComparison.Ordinal);

    public string Kind => Status switch
    {
        0 => "no answer",
        200 => Committed ? "committed" : "200 other",
        _ => Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

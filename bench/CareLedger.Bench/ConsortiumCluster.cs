using CareLedger.Client.Records;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Consortium;
using CareLedger.Node.Demo;
using CareLedger.Testing;

namespace CareLedger.Bench;

/// <summary>
/// A demo consortium of three organisations on this machine: per organisation an etcd member and a
/// node process (the Release build of CareLedger.Node), all on loopback, in one temp folder; or, as the
/// baseline the consortium is compared with, one solo node process (no etcd) set up the same way. Every
/// process is killed on dispose: when the bench unwinds after Ctrl-C or an error, at process exit, and
/// on SIGTERM, SIGHUP or SIGQUIT (which would otherwise end the bench at once and leave them running).
/// </summary>
public sealed class ConsortiumCluster : IDisposable
{
    public const int Size = 3;
    private const string Passphrase = "bench-node-passphrase";
    private const string Invalid = "careledger_tx_committed_invalid_total";
    private readonly TempFolder _root = new();
    private readonly EtcdCluster? _etcd;
    private readonly NodeProcess[] _nodes;
    private readonly string[][] _args;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly PosixSignalRegistration[] _signals;
    private int _disposed;

    private ConsortiumCluster(IReadOnlyList<string> nodeArgs, bool solo)
    {
        if (solo)
        {
            // An empty data folder: the node creates the single-node demo on its first start.
            DataDirs = [Path.Combine(_root.Path, "solo")];
            _nodes = [new NodeProcess(DataDirs[0])];
            _args = [["--CareLedger:PoolCapacity=200000", .. nodeArgs]];
        }
        else
        {
            DataDirs = Enumerable.Range(1, Size).Select(i => Path.Combine(_root.Path, $"node{i}")).ToList();
            DemoConsortium.CreateConsortium(DataDirs, Passphrase, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var etcd = _etcd = new EtcdCluster(Path.Combine(_root.Path, "etcd"), Size);
            _nodes = DataDirs.Select(dir => new NodeProcess(dir)).ToArray();
            _args = _nodes.Select((node, i) => new[]
            {
                // Each node talks to its own organisation's etcd member first.
                "--etcd", string.Join(",", Enumerable.Range(0, Size).OrderBy(m => m != i).Select(etcd.ClientUrl)),
                "--advertise", node.BaseAddress.ToString().TrimEnd('/'),
                "--CareLedger:PoolCapacity=200000",
            }.Concat(nodeArgs).ToArray()).ToArray();
        }
        foreach (var node in _nodes)
        {
            node.Environment["CARELEDGER_NODE_PASSPHRASE"] = Passphrase;
            // A crashed leader's lease runs out after 1 s (the default is 2 s).
            node.Environment["CareLedger__Consortium__LeaseSeconds"] = "1";
            // Three nodes sharing two cores: workstation GC (server GC's per-core heaps and threads in
            // every process contend; measured 2,499 -> 2,931 tx/s at 64 clients). CARELEDGER_BENCH_GC=server keeps it.
            if (Environment.GetEnvironmentVariable("CARELEDGER_BENCH_GC") != "server") node.Environment["DOTNET_gcServer"] = "0";
        }
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _signals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, _ => Dispose()))];
    }

    public string Root => _root.Path;

    /// <summary>How many nodes run: <see cref="Size"/>, or 1 for the solo baseline.</summary>
    public int Count => _nodes.Length;

    public bool IsSolo => _etcd is null;
    public IReadOnlyList<string> DataDirs { get; }
    public IReadOnlyList<Uri> Urls => _nodes.Select(n => n.BaseAddress).ToList();
    public int? Pid(int node) => _nodes[node].Pid;

    /// <summary>Prepares the folders, starts the etcd members, then the three nodes, and waits until each is ready.</summary>
    public static async Task<ConsortiumCluster> StartAsync(IReadOnlyList<string> nodeArgs, CancellationToken ct, bool solo = false)
    {
        if (!File.Exists(NodeProcess.NodeDll))
            throw new InvalidOperationException($"the node is not built: {NodeProcess.NodeDll}; run `dotnet build -c {NodeProcess.Configuration} src/CareLedger.Node`");
        var cluster = new ConsortiumCluster(nodeArgs, solo);
        try
        {
            if (cluster._etcd is { } etcd) await etcd.StartAsync();
            await Task.WhenAll(cluster._nodes.Select((_, i) => cluster.StartNodeAsync(i))).WaitAsync(ct);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private Task StartNodeAsync(int i) => _nodes[i].StartAsync(TimeSpan.FromSeconds(120), _args[i]);

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill(int node) => _nodes[node].Kill();

    public Task RestartAsync(int node, CancellationToken ct) => StartNodeAsync(node).WaitAsync(ct);

    public bool IsRunning(int node) => _nodes[node].IsRunning;

    /// <summary>The node's view of the consortium, or null if it does not answer.</summary>
    private SigningKey? _statusKey;

    public async Task<ConsortiumStatus?> StatusAsync(int node, CancellationToken ct)
    {
        try
        {
            // The status is for members and nodes: asked as the demo clinic's admin.
            _statusKey ??= new KeyStore(Path.Combine(DataDirs[0], DemoConsortium.KeyFolderName)).Load("clinic-admin", DemoConsortium.Passphrase);
            var info = await ChainAsync(node, ct);
            var audience = RequestAudience.Of(info.ChainId, Convert.FromBase64String(info.NodeKey!));
            using var request = await SignedHttp.Get(_statusKey, audience, "v1/consortium/status");
            request.RequestUri = new Uri(_nodes[node].BaseAddress, "v1/consortium/status");
            using var response = await _http.SendAsync(request, ct);
            return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ConsortiumStatus>(JsonSerializerOptions.Web, ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested) { return null; }
    }

    public async Task<ChainInfoDto> ChainAsync(int node, CancellationToken ct) =>
        await _http.GetFromJsonAsync<ChainInfoDto>(new Uri(_nodes[node].BaseAddress, "v1/chain"), JsonSerializerOptions.Web, ct)
        ?? throw new InvalidOperationException($"node {node + 1} sent an empty answer to GET /v1/chain");

    /// <summary>The node's newest block, or null if it does not answer.</summary>
    public async Task<BlockSummary?> LatestBlockAsync(int node, CancellationToken ct)
    {
        try { return (await _http.GetFromJsonAsync<BlockSummary[]>(new Uri(_nodes[node].BaseAddress, "v1/blocks?limit=1"), JsonSerializerOptions.Web, ct))?.FirstOrDefault(); }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested) { return null; }
    }

    /// <summary>One counter or gauge from the node's /metrics.</summary>
    public async Task<long> MetricAsync(int node, string name, CancellationToken ct)
    {
        var text = await _http.GetStringAsync(new Uri(_nodes[node].BaseAddress, "metrics"), ct);
        return text.Split('\n').Select(line => line.Split(' ')).Where(p => p.Length == 2 && p[0] == name)
            .Select(p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
    }

    /// <summary>The index of the node that leads, as the running nodes see it; waits until there is one.</summary>
    public async Task<int> LeaderAsync(CancellationToken ct)
    {
        if (IsSolo) return 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < Count; i++)
            {
                if (!IsRunning(i) || await StatusAsync(i, ct) is not { Leader: { } leader }) continue;
                var index = Array.FindIndex(_nodes, n => n.BaseAddress.ToString().TrimEnd('/') == leader.Url.TrimEnd('/'));
                if (index >= 0 && IsRunning(index)) return index;
            }
            await Task.Delay(50, ct);
        }
        throw new TimeoutException("no node leads the consortium after 30 s");
    }

    /// <summary>Waits until every node holds the same head and has nothing pending; returns each node's view.</summary>
    public async Task<ChainInfoDto[]> WaitForAgreementAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var chains = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => ChainAsync(i, ct)));
            if (chains.All(c => c.PendingTransactions == 0 && c.HeadHash == chains[0].HeadHash) || DateTime.UtcNow > deadline) return chains;
            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Submits set-up transactions one after another to the leader, so each sender's arrive in nonce
    /// order, then waits for every sender's last one and checks that none was committed invalid.
    /// </summary>
    public async Task CommitInOrderAsync(IReadOnlyList<Transaction> txs, CancellationToken ct)
    {
        var index = await LeaderAsync(ct);
        using var http = new HttpClient { BaseAddress = _nodes[index].BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var leader = new NodeClient(http);
        var invalidBefore = await MetricAsync(index, Invalid, ct);
        foreach (var tx in txs) await leader.SubmitAsync(tx, wait: false, ct);
        foreach (var last in txs.GroupBy(tx => tx.Sender).Select(g => g.Last()))
        {
            var id = last.Id.ToString();
            while ((await leader.GetReceiptAsync(id, ct)).Status != "committed") await Task.Delay(50, ct);
        }
        var invalid = await MetricAsync(index, Invalid, ct) - invalidBefore;
        if (invalid != 0) throw new InvalidOperationException($"{invalid} set-up transactions were committed invalid; see the nodes' logs");
    }

    /// <summary>The last nonce each demo participant has used, so set-up transactions follow the demo seed's.</summary>
    public async Task<NonceBook> DemoNoncesAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = _nodes[0].BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var node = new NodeClient(http);
        var keys = new KeyStore(Path.Combine(DataDirs[0], DemoConsortium.KeyFolderName));
        var used = new Dictionary<AccountId, ulong>();
        foreach (var participant in DemoConsortium.Participants)
        {
            var account = keys.Show(participant.KeyName).Account;
            used[account] = (await node.GetAccountAsync(account, ct)).LastNonce;
        }
        return new NonceBook(account => used.GetValueOrDefault(account));
    }

    /// <summary>Process ids of the etcd members, found by their data folders under this cluster's root.</summary>
    public IReadOnlyList<int?> EtcdPids() =>
        Enumerable.Range(0, _etcd?.Size ?? 0).Select(i => ProcessCpu.FindByCommandLine(Path.Combine(_root.Path, "etcd", $"m{i}"))).ToList();

    /// <summary>The end of each node's log, and whether it still runs: what to look at when the consortium misbehaves.</summary>
    public void PrintNodeOutputs(int lines = 20)
    {
        for (var i = 0; i < Count; i++)
        {
            Console.WriteLine($"--- node {i + 1} ({_nodes[i].BaseAddress}, {(IsRunning(i) ? "running" : "not running")}), the end of its output:");
            foreach (var line in _nodes[i].Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines)) Console.WriteLine("  " + line);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (var node in _nodes) node.Dispose();
        _etcd?.Dispose();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var signal in _signals) signal.Dispose();
        _http.Dispose();
        _root.Dispose();
    }
}

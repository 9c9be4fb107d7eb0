using System.Diagnostics;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>
/// Several consortium orderers in one process sharing a <see cref="MemoryBlockLog"/>, each on its own
/// SQLite store with its own validator key. Peers and forwarding go straight to the other nodes'
/// stores and pools. A node can be cut off from the log (<see cref="Isolate"/>) as by a partition.
/// </summary>
public sealed class OrderingCluster : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly List<OrderingNode> _nodes = [];

    private OrderingCluster(GenesisDocument genesis) => Genesis = genesis;

    public static async Task<OrderingCluster> CreateAsync(int validators, int observers = 0, Func<GenesisDocument, Runtime.ContractRuntime>? runtime = null,
        IValidatorSet? validatorSet = null)
    {
        var keys = Enumerable.Range(0, validators + observers).Select(_ => SigningKey.Generate()).ToList();
        var cluster = new OrderingCluster(TestChain.Genesis([.. keys.Take(validators)]));
        for (var i = 0; i < keys.Count; i++)
            cluster._nodes.Add(await OrderingNode.CreateAsync(cluster, i, keys[i], cluster._dir.File($"node{i}.db"), runtime?.Invoke(cluster.Genesis) ?? TestChain.Runtime(),
                validatorSet ?? new FixedValidatorSet(cluster.Genesis.ValidatorAccounts)));
        return cluster;
    }

    public MemoryBlockLog Log { get; } = new();
    public GenesisDocument Genesis { get; }
    public IReadOnlyList<OrderingNode> Nodes => _nodes;
    public OrderingNode this[int i] => _nodes[i];

    public OrderingNode? NodeAt(string url) => _nodes.FirstOrDefault(n => n.Url == url);

    /// <summary>The node that holds the leader key, once one does.</summary>
    public async Task<OrderingNode> LeaderAsync(Func<OrderingNode, bool>? among = null)
    {
        OrderingNode? leader = null;
        await WaitUntilAsync(() => (leader = _nodes.FirstOrDefault(n => n.Orderer?.IsLeader == true && Log.CurrentLeader?.Url == n.Url && (among?.Invoke(n) ?? true))) is not null,
            "a leader");
        return leader!;
    }

    /// <summary>Polls <paramref name="condition"/>; fails the test with <paramref name="what"/> if it never holds (a deadline, not a timing assertion).</summary>
    public Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>The same, for a condition that reads a store.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"waited 30 s for {what}\n{Describe()}");
            await Task.Delay(10);
        }
    }

    public Task SameHeadAsync(IEnumerable<OrderingNode> nodes, ulong atLeast) =>
        WaitUntilAsync(() => nodes.All(n => n.Chain.Head.Height >= atLeast) && nodes.Select(n => n.Chain.Head.Hash()).Distinct().Count() == 1,
            $"nodes {string.Join(", ", nodes.Select(n => n.Index))} to agree on a head at or above {atLeast}");

    public string Describe() => string.Join("\n", _nodes.Select(n =>
        $"node {n.Index}: {n.Orderer?.Role.ToString() ?? "stopped"}, height {n.Chain.Head.Height}, final {n.Orderer?.FinalHeight}, halted {n.Orderer?.HaltReason ?? "no"}"));

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        Log.Dispose();
        _dir.Dispose();
    }
}

/// <summary>One node: store, chain, pool and (while started) its orderer over an isolatable view of the shared log.</summary>
public sealed class OrderingNode : IDisposable, IPeerBlocks, ILeaderLink
{
    private readonly OrderingCluster _cluster;
    private readonly IValidatorSet _validatorSet;
    private readonly IsolatableLog _log;
    private CancellationTokenSource? _stop;
    private Task? _running;

    private OrderingNode(OrderingCluster cluster, int index, SigningKey key, SqliteLedgerStore store, LedgerChain chain, Runtime.ContractRuntime runtime,
        IValidatorSet validatorSet)
    {
        _cluster = cluster;
        _validatorSet = validatorSet;
        _log = new IsolatableLog(cluster.Log);
        Index = index;
        Key = key;
        Url = $"http://node{index}.test";
        Store = store;
        Chain = chain;
        Pool = new TransactionPool(runtime, Store, FindReceiptAsync, ChainClock.Instance, 100_000);
    }

    public static async Task<OrderingNode> CreateAsync(OrderingCluster cluster, int index, SigningKey key, string path, Runtime.ContractRuntime runtime,
        IValidatorSet validatorSet)
    {
        var store = await SqliteLedgerStore.OpenAsync(path, default);
        var chain = await LedgerChain.OpenAsync(store, new BlockExecutor(runtime), key, cluster.Genesis, default);
        return new OrderingNode(cluster, index, key, store, chain, runtime, validatorSet);
    }

    public int Index { get; }
    public SigningKey Key { get; }
    public string Url { get; }
    public SqliteLedgerStore Store { get; }
    public LedgerChain Chain { get; }
    public TransactionPool Pool { get; }
    public ConsortiumOrderer? Orderer { get; private set; }

    /// <summary>Blocks this node fetched from peers, and whether a peer serves forged blocks instead of its own.</summary>
    public int BlocksFetched { get; private set; }
    public Func<Block, Block>? ServeInstead { get; set; }

    /// <summary>How far this node's wall clock is off the others' (set before <see cref="Start"/>).</summary>
    public TimeSpan ClockOffset { get; set; }

    public void Start()
    {
        Orderer = new ConsortiumOrderer(Chain, Pool, _log, this, this, _validatorSet,
            new ConsortiumSettings { AdvertiseUrl = Url, LeaseSeconds = 2, LogRetainBlocks = 100, Linger = TimeSpan.FromMilliseconds(2) },
            new ChainClock(ClockOffset), NullLogger.Instance);
        _stop = new CancellationTokenSource();
        var orderer = Orderer;
        var token = _stop.Token;
        _running = Task.Run(() => orderer.RunAsync(token));
    }

    public async Task StopAsync()
    {
        if (_stop is null) return;
        await _stop.CancelAsync();
        await _running!;
        _stop.Dispose();
        _stop = null;
        Orderer = null;
    }

    /// <summary>Cuts this node off the log (every call fails, its watch ends) or reconnects it.</summary>
    public bool Isolated { get => _log.Isolated; set => _log.Isolated = value; }

    public SubmitResult Submit(Transaction tx) => Pool.Submit(tx);

    public Task<Receipt> CommittedAsync(Transaction tx) => Pool.WaitForCommitAsync(tx.Id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask<Receipt?> FindReceiptAsync(Hash256 id, CancellationToken ct) =>
        await Store.FindTransactionAsync(id, ct) is { } at && await Store.GetBlockAsync(at.Height, ct) is { } block ? Receipt.From(block, at.Index) : null;

    async Task<Block?> IPeerBlocks.GetAsync(string peerUrl, string peerValidator, ulong height, CancellationToken ct)
    {
        if (_cluster.NodeAt(peerUrl) is not { } peer || await peer.Store.GetBlockAsync(height, ct) is not { } block) return null;
        BlocksFetched++;
        return peer.ServeInstead?.Invoke(block) ?? block;
    }

    async Task<IReadOnlyList<ForwardResult>?> ILeaderLink.ForwardAsync(LeaderInfo leader, IReadOnlyList<Transaction> txs, CancellationToken ct)
    {
        if (_cluster.NodeAt(leader.Url) is not { Orderer.IsLeader: true } node) return null;
        var results = new List<ForwardResult>(txs.Count);
        foreach (var tx in txs) results.Add(await ForwardResult.AdmitAsync(node.Pool, tx, async (id, c) => await node.FindReceiptAsync(id, c) is not null, ct));
        return results;
    }

    public void Dispose()
    {
        StopAsync().GetAwaiter().GetResult();
        Store.Dispose();
        Key.Dispose();
    }
}

/// <summary>
/// Wall-clock time starts at the test chain's genesis time when the tests start (so test transactions' expiry is near) and
/// runs at the real pace, shifted by <paramref name="offset"/> for a node whose clock is wrong; elapsed time is real, for leases.
/// </summary>
public sealed class ChainClock(TimeSpan offset = default) : TimeProvider
{
    private static readonly long Started = TimeProvider.System.GetTimestamp();
    public static ChainClock Instance { get; } = new();
    public override DateTimeOffset GetUtcNow() =>
        DateTimeOffset.FromUnixTimeMilliseconds(TestChain.Time) + TimeProvider.System.GetElapsedTime(Started) + offset;
}

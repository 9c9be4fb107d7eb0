using System.Threading.Channels;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// Orders blocks for one node of a consortium through a shared <see cref="IBlockLog"/>. The leader
/// (holder of the log's leader key) cuts batches from its pool into blocks and appends each with a
/// fenced compare-and-swap before storing it (<c>.Leading</c>, under a lease kept in <c>.Lease</c>);
/// every other node applies each block from the log, re-executing it and halting rather than storing
/// a block it cannot reproduce (<c>.Following</c>). Signatures are gathered by <see cref="Finality"/>,
/// missing blocks fetched by <see cref="PeerCatchUp"/>, the log kept short by <see cref="LogTruncation"/>,
/// and transactions given to a follower reach the leader through the <see cref="Forwarder"/>.
/// All chain writes happen in the one flow running <see cref="RunAsync"/>, one after another.
/// </summary>
public sealed partial class ConsortiumOrderer : IOrderer
{
    private readonly LedgerChain _chain;
    private readonly TransactionPool _pool;
    private readonly ILedgerStore _store;
    private readonly IBlockLog _log;
    private readonly ConsortiumSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ValidatorHistory _validators;
    private readonly Finality _finality;
    private readonly PeerCatchUp _catchUp;
    private readonly LogTruncation _truncation;
    private readonly Forwarder _forwarder;
    private readonly ConsortiumClock _time;
    private readonly IStorageSpace? _space;
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LeaderInfo? _leader;
    private volatile ConsortiumRole _role = ConsortiumRole.Starting;
    private volatile string? _haltReason;
    private long _logHeight;

    public ConsortiumOrderer(LedgerChain chain, TransactionPool pool, IBlockLog log, IPeerBlocks peers, ILeaderLink leaderLink,
        IValidatorSet validatorSet, ConsortiumSettings settings, TimeProvider clock, ILogger logger, IStorageSpace? space = null)
    {
        _space = space;
        _chain = chain;
        _pool = pool;
        _store = chain.Store;
        _log = log;
        _settings = settings;
        _clock = clock;
        _logger = logger;
        Self = new LeaderInfo(chain.Validator.ToString(), settings.AdvertiseUrl.TrimEnd('/'));
        _validators = ValidatorHistory.FromState(validatorSet, chain.Head.Height + 1, _store);
        _finality = new Finality(_store, log, _validators, Self.Validator, logger);
        _catchUp = new PeerCatchUp(log, peers, _validators, Self.Validator, logger);
        _truncation = new LogTruncation(log, settings.LogRetainBlocks, logger);
        _forwarder = new Forwarder(pool, this, leaderLink, logger);
        _time = new ConsortiumClock(clock, Self.Validator, settings.MaxClockSkew, logger);
        _time.OnBlock(chain.Head.Time);
    }

    public LeaderInfo Self { get; }

    /// <summary>The validators that sign the next block: the set the ledger's state records (it changes by vote).</summary>
    public IReadOnlySet<AccountId> Validators => _validators.Next;

    public int Quorum => Validators.Count / 2 + 1;

    /// <summary>Whether this node's key is a validator now: a node whose organisation has not joined (or has left) only follows.</summary>
    public bool IsValidator => Validators.Contains(_chain.Validator);
    public IBlockLog Log => _log;
    public ConsortiumRole Role => _role;
    public LeaderInfo? Leader => _leader;
    public bool IsLeader => _role == ConsortiumRole.Leader;

    /// <summary>Why this node stopped (damaged store, a block it refuses); null while healthy.</summary>
    public string? HaltReason => _haltReason;

    /// <summary>The height of the last block this node saw in the log.</summary>
    public ulong LogHeight => (ulong)Math.Max(Interlocked.Read(ref _logHeight), (long)_chain.Head.Height);

    /// <summary>The highest block a majority of its validators has signed.</summary>
    public ulong FinalHeight => _finality.FinalHeight;

    /// <summary>The consortium's time as this node sees it: its clock, its skew against the others', the time it gives its blocks.</summary>
    public ConsortiumClock Clock => _time;

    /// <summary>Completes once the node has applied the log as it stood at start-up (what its own start-up transactions wait for).</summary>
    public Task CaughtUp => _caughtUp.Task;

    public MemberHeartbeat Heartbeat() => new(Self.Validator, Self.Url, _role.ToString().ToLowerInvariant(), _chain.Head.Height, _haltReason, _time.Now);

    public async Task RunAsync(CancellationToken ct)
    {
        await _finality.InitialiseAsync(_chain.Head.Height, ct);
        if (await CheckLocalChainAsync(ct) is { } damage)
        {
            Halt(damage);
            await ServeHaltedAsync(ct);
            return;
        }
        await TakeFirstLeaseAsync(ct);
        var revision = await SyncAsync(ct);
        try { await CheckHeadAgainstLogAsync(ct); }
        catch (BlockLogException e) { _logger.LogWarning("Could not compare the head with the log yet ({Reason}); the next block will", e.Message); }
        if (_haltReason is not null) { await ServeHaltedAsync(ct); return; }
        await RefreshLeaderAsync(ct);
        await ExchangeClocksAsync(ct); // before the first campaign: a leader times its blocks by the others' clocks
        _role = ConsortiumRole.Follower;
        _caughtUp.TrySetResult();

        var watchFrom = revision == 0 ? 0 : revision + 1; // 0 watches from now (the first read failed); the periodic read fills any gap
        var background = new[]
        {
            Supervise("lease", KeepLeaseAsync, ct),
            Supervise("watch", token => WatchAsync(watchFrom, token), ct),
            Supervise("heartbeat", HeartbeatAsync, ct),
            Supervise("signature store", _finality.SaveAsync, ct),
            Supervise("signature publisher", _finality.PublishAsync, ct),
            Supervise("forwarder", _forwarder.RunAsync, ct),
        };
        try
        {
            while (!ct.IsCancellationRequested && _haltReason is null)
            {
                try { await DrainEventsAsync(ct); }
                catch (Exception e) when (_space is not null && StorageFull.Is(e))
                {
                    await WaitForRoomAsync(e, ct);
                    continue;
                }
                if (_haltReason is not null) break;
                if (_leader is null && IsValidator && !_time.Skewed && await TryCampaignAsync(ct) is { } fence)
                {
                    await LeadAsync(fence, ct);
                    continue;
                }
                // Wait for news from the log; read it anyway after a quiet spell, in case the watch missed some.
                var woken = await _wake.WaitAsync(TimeSpan.FromMilliseconds(250), ct);
                if (!woken || _leader is null)
                {
                    try { await SyncAsync(ct); }
                    catch (Exception e) when (_space is not null && StorageFull.Is(e)) { await WaitForRoomAsync(e, ct); }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        if (_haltReason is not null) await ServeHaltedAsync(ct);
        await Task.WhenAll(background);
    }

    /// <summary>
    /// A block from the log met a full disk: it was not stored (a block is written whole or not at all). Following waits
    /// until the disk has room, then reads the log again from the store's head. A leader's own block is not caught: the
    /// node stops and its lease lapses, so another node leads rather than the consortium wait for this disk.
    /// </summary>
    private async Task WaitForRoomAsync(Exception full, CancellationToken ct)
    {
        _space!.ReportFull(full);
        await _space.WaitForRoomAsync(ct);
    }

    /// <summary>The leader as the log names it now (forwarding asks when its leader stops answering).</summary>
    public async Task RefreshLeaderAsync(CancellationToken ct)
    {
        try { _leader = (await _log.GetLeaderAsync(ct))?.Leader; }
        catch (BlockLogException) { _leader = null; }
    }

    /// <summary>Runs a background loop for the node's lifetime: an unexpected failure is logged and the loop restarts, it never silently stops.</summary>
    private Task Supervise(string name, Func<CancellationToken, Task> loop, CancellationToken ct) => Task.Run(async () =>
    {
        while (!ct.IsCancellationRequested)
        {
            try { await loop(ct); }
            catch (Exception) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (_space is not null && StorageFull.Is(e))
            {
                // The block was not stored (a block is written whole or not at all): say so once, refuse new work, and
                // start the loop again from the store's head, as after any failure, until the disk has room.
                _space.ReportFull(e);
            }
            catch (Exception e) { _logger.LogError(e, "The consortium {Loop} loop failed; restarting it", name); }
            try { await Task.Delay(200, ct); } catch (OperationCanceledException) { return; }
        }
    });

    /// <summary>After a block is stored, whoever proposed it: the pool, the validator set, finality and the log's tail hear of it.</summary>
    private void OnApplied(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes)
    {
        _pool.OnCommitted(block, _chain.LastTimings);
        _validators.OnApplied(block.Height, writes, _store);
        Atomic.Max(ref _logHeight, (long)block.Height);
        _finality.OnApplied(block);
        _time.OnBlock(block.Header.Time);
    }

    /// <summary>
    /// Checks the stored chain before serving (<see cref="ChainChecker.CheckStoredAsync"/>): every block
    /// decodes, links and matches its header, and every transaction and validator signature verifies
    /// (in parallel; about 20 µs a transaction on two cores, so a million-transaction chain adds ~20 s to a start).
    /// </summary>
    private async Task<string?> CheckLocalChainAsync(CancellationToken ct)
    {
        try
        {
            var report = await ChainChecker.CheckStoredAsync(_store.ReadBlocksAsync(0, _chain.Head.Height, ct), ct);
            return report.Valid ? null : $"the local block store is damaged at block {report.FirstBadHeight}: {report.Reason}";
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) { return $"the local block store cannot be read: {e.Message}"; }
    }

    /// <summary>Our head must be the log's block at that height, or this node's history is not the consortium's.</summary>
    private async Task CheckHeadAgainstLogAsync(CancellationToken ct)
    {
        var head = _chain.Head;
        if (head.Height == 0) return;
        var (blocks, _) = await _log.ReadBlocksAsync(head.Height, 1, ct);
        if (blocks.Count > 0 && blocks[0].Height > head.Height) return; // truncated past our head: the blocks we apply next link to it or halt us
        if (blocks.Count == 0)
        {
            Halt($"this node holds block {head.Height} but the consortium's log ends before it: its store is not the consortium's chain");
            return;
        }
        var theirs = Block.Decode(blocks[0].Block).Hash;
        if (theirs != head.Hash()) Halt($"this node's block {head.Height} differs from the consortium's ({head.Hash()} against {theirs})");
    }

    private void Halt(string reason)
    {
        if (_haltReason is not null) return;
        _haltReason = reason;
        _role = ConsortiumRole.Halted;
        StopLeading();
        _logger.LogCritical("ALERT: node halted. {Reason} To rebuild this node's ledger from the consortium, restart it with --resync.", reason);
    }
}

/// <summary>Lock-free helpers for the counters several loops update.</summary>
internal static class Atomic
{
    public static void Max(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

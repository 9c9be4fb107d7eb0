using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Node.Consortium;

public enum ConsortiumRole { Starting, Follower, Leader, Halted }

/// <summary>Who leads: its validator account and API address (what forwarded transactions are sent to).</summary>
public sealed record LeaderInfo(string Validator, string Url);

/// <summary>
/// Orders blocks for one node of a consortium. The leader (holder of the leader key in etcd) cuts
/// batches from its pool into blocks, appends each to the log with a compare-and-swap, then stores
/// it; every other node applies each block from the log, re-executing it and refusing it (and
/// halting, with an alert) unless it gets exactly the same header, then adds its own signature.
/// Transactions given to a follower are forwarded to the leader by <see cref="Forwarder"/>.
/// All chain writes happen on the one thread running <see cref="RunAsync"/>.
/// </summary>
public sealed class ConsortiumOrderer : IOrderer, IDisposable
{
    private const int ReadBatch = 16;
    private readonly LedgerChain _chain;
    private readonly TransactionPool _pool;
    private readonly ILedgerStore _store;
    private readonly EtcdLog _log;
    private readonly ConsortiumOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly int _maxTransactions;
    private readonly TimeSpan _linger;
    private readonly Channel<LogEvent> _events = Channel.CreateUnbounded<LogEvent>(new() { SingleReader = true });
    private readonly ConcurrentDictionary<ulong, Hash256> _recentHashes = new();
    private readonly ConcurrentDictionary<ulong, ConcurrentBag<BlockSignature>> _earlySignatures = new();
    private readonly ConcurrentDictionary<ulong, HashSet<AccountId>> _signers = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentQueue<(ulong Height, BlockSignature Signature)> _unsavedSignatures = new();
    private readonly ConcurrentQueue<(ulong Height, BlockSignature Signature)> _ownSignatures = new();
    private CancellationTokenSource? _leadership;
    private long _fence;
    private int _truncating;
    private readonly HttpClient _peers = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(10) };
    private long _lease;
    private long _leaseRenewedAt;
    private volatile LeaderInfo? _leader;
    private volatile ConsortiumRole _role = ConsortiumRole.Starting;
    private volatile string? _haltReason;
    private long _logHeight;
    private long _finalHeight;

    public ConsortiumOrderer(LedgerChain chain, TransactionPool pool, EtcdLog log, ConsortiumOptions options, string advertiseUrl,
        TimeProvider clock, int maxTransactions, TimeSpan linger, ILogger logger)
    {
        _chain = chain;
        _pool = pool;
        _store = chain.Store;
        _log = log;
        _options = options;
        _clock = clock;
        _logger = logger;
        _maxTransactions = maxTransactions;
        _linger = linger;
        Self = new LeaderInfo(chain.Validator.ToString(), advertiseUrl.TrimEnd('/'));
        Forwarder = new Forwarder(pool, this, logger);
    }

    public LeaderInfo Self { get; }
    private volatile IReadOnlySet<AccountId>? _validators;

    /// <summary>
    /// The validators that sign the next block: the set on the ledger (it changes by vote, see
    /// <see cref="Contracts.Membership.Validators"/>), or genesis's for a chain that predates it.
    /// Read once, and again only after a block that wrote to the set.
    /// </summary>
    public IReadOnlySet<AccountId> Validators
    {
        get
        {
            return _validators ??= Contracts.Membership.Validators.Accounts(_store, _chain.Genesis.ValidatorAccounts);
        }
    }

    public int Quorum => Validators.Count / 2 + 1;

    /// <summary>Whether this node's key is a validator now: a node whose organisation has not joined (or has left) only follows.</summary>
    public bool IsValidator => Validators.Contains(_chain.Validator);
    public EtcdLog Log => _log;
    public Forwarder Forwarder { get; }
    public ConsortiumRole Role => _role;
    public LeaderInfo? Leader => _leader;
    public bool IsLeader => _role == ConsortiumRole.Leader;

    /// <summary>Why this node stopped (damaged store, a block it refuses); null while healthy.</summary>
    public string? HaltReason => _haltReason;

    /// <summary>The height of the last block this node saw in the log.</summary>
    public ulong LogHeight => (ulong)Math.Max(Interlocked.Read(ref _logHeight), (long)_chain.Head.Height);

    /// <summary>The highest block a majority of validators has signed.</summary>
    public ulong FinalHeight => (ulong)Interlocked.Read(ref _finalHeight);

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the node has applied the log as it stood at start-up (what its own start-up transactions wait for).</summary>
    public Task CaughtUp => _caughtUp.Task;

    public async Task RunAsync(CancellationToken ct)
    {
        InitialiseFinality();
        if (CheckLocalChain() is { } damage)
        {
            Halt(damage);
            await ServeHaltedAsync(ct);
            return;
        }
        _lease = await FirstLeaseAsync(ct);
        _leaseRenewedAt = _clock.GetTimestamp();
        var revision = await SyncAsync(ct);
        try { await CheckHeadAgainstLogAsync(ct); }
        catch (EtcdUnavailableException e) { _logger.LogWarning("Could not compare the head with the log yet ({Reason}); the next block will", e.Message); }
        if (_haltReason is not null) { await ServeHaltedAsync(ct); return; }
        await RefreshLeaderAsync(ct);
        _role = ConsortiumRole.Follower;
        _caughtUp.TrySetResult();

        var watchFrom = revision == 0 ? 0 : revision + 1; // 0 watches from now (the first read failed); the periodic read fills any gap
        var background = new[]
        {
            Supervise("lease", KeepLeaseAsync, ct),
            Supervise("watch", token => WatchAsync(watchFrom, token), ct),
            Supervise("heartbeat", HeartbeatAsync, ct),
            Supervise("signature store", SaveSignaturesAsync, ct),
            Supervise("signature publisher", PublishSignaturesAsync, ct),
            Supervise("forwarder", Forwarder.RunAsync, ct),
        };
        try
        {
            while (!ct.IsCancellationRequested && _haltReason is null)
            {
                await DrainEventsAsync(ct);
                if (_haltReason is not null) break;
                if (_leader is null && IsValidator && await TryCampaignAsync(ct) is { } fence)
                {
                    await LeadAsync(fence, ct);
                    continue;
                }
                // Wait for news from the log; read it anyway after a quiet spell, in case the watch missed some.
                var woken = await _wake.WaitAsync(TimeSpan.FromMilliseconds(250), ct);
                if (!woken || _leader is null) await SyncAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        if (_haltReason is not null) await ServeHaltedAsync(ct);
        await Task.WhenAll(background);
    }

    /// <summary>At start the consortium's etcd may not be up yet (members start in any order): wait for it, saying so.</summary>
    private async Task<long> FirstLeaseAsync(CancellationToken ct)
    {
        while (true)
        {
            try { return await _log.GrantLeaseAsync(_options.LeaseSeconds, ct); }
            catch (EtcdUnavailableException e)
            {
                _logger.LogWarning("Waiting for the consortium's etcd: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    /// <summary>Runs a background loop for the node's lifetime: an unexpected failure is logged and the loop restarts, it never silently stops.</summary>
    private Task Supervise(string name, Func<CancellationToken, Task> loop, CancellationToken ct) => Task.Run(async () =>
    {
        while (!ct.IsCancellationRequested)
        {
            try { await loop(ct); }
            catch (Exception) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { _logger.LogError(e, "The consortium {Loop} loop failed; restarting it", name); }
            try { await Task.Delay(200, ct); } catch (OperationCanceledException) { return; }
        }
    });

    /// <summary>
    /// Leads until the lease is lost or an append fails, then returns to following. Pipelined:
    /// while block n is being replicated, block n+1 is gathered and executed on top of it; n+1 is
    /// appended only once n is committed, so the log never holds a block whose parent it lacks.
    /// </summary>
    private async Task LeadAsync(long fence, CancellationToken ct)
    {
        using var leadership = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _leadership = leadership;
        Interlocked.Exchange(ref _fence, fence);
        _role = ConsortiumRole.Leader;
        _leader = Self;
        _logger.LogInformation("This node leads the consortium from height {Height}", _chain.Head.Height + 1);
        Proposal? inFlight = null;
        Task<bool>? appending = null;
        try
        {
            while (!leadership.IsCancellationRequested)
            {
                // A block we did not write means someone else leads now.
                if (!await SkipOwnBlockEventsAsync(inFlight?.Block.Height ?? 0, ct)) break;
                IReadOnlyList<Transaction> batch = [];
                try
                {
                    if (appending is null || await Task.WhenAny(appending, _pool.WaitForTransactionsAsync(leadership.Token)) != appending)
                        batch = await _pool.TakeBatchAsync(_maxTransactions, _linger, leadership.Token);
                }
                catch (OperationCanceledException) { break; }
                var next = batch.Count > 0 ? _chain.Propose(batch, _clock.GetUtcNow().ToUnixTimeMilliseconds(), inFlight) : null;
                if (inFlight is not null)
                {
                    var committed = await FinishAppendAsync(inFlight, appending!);
                    inFlight = null;
                    appending = null;
                    if (!committed)
                    {
                        if (next is not null) _pool.Requeue(batch);
                        break;
                    }
                    if (!IsValidator)
                    {
                        if (next is not null) _pool.Requeue(batch);
                        _logger.LogWarning("This node's key is no longer a validator; it stops leading");
                        await _log.RevokeLeaseAsync(_lease, ct);
                        break;
                    }
                }
                if (next is null) continue;
                inFlight = next;
                appending = AppendAsync(next, fence, leadership.Token); // a lost lease abandons the append; the log says later whether it landed
            }
        }
        finally
        {
            // Leadership ended with a block in flight: the log decides its fate.
            if (inFlight is not null) await FinishAppendAsync(inFlight, appending!);
            _leadership = null;
            if (_role == ConsortiumRole.Leader) _role = ConsortiumRole.Follower;
            _leader = null;
            _logger.LogInformation("This node no longer leads (height {Height})", _chain.Head.Height);
        }
        await SyncAsync(ct);
    }

    private async Task<bool> AppendAsync(Proposal proposal, long fence, CancellationToken ct)
    {
        try { return await _log.TryAppendAsync(proposal.Block.Height, proposal.Block.Encode(), fence, ct); }
        catch (EtcdUnavailableException e)
        {
            _logger.LogWarning("Appending block {Height} failed: {Reason}", proposal.Block.Height, e.Message);
            return false;
        }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>
    /// Stores a proposal once the log has it. If the append failed (lost lease, or the answer was
    /// lost), its transactions go back in line; following then applies the block from the log if it made it.
    /// </summary>
    private async Task<bool> FinishAppendAsync(Proposal proposal, Task<bool> appending)
    {
        if (!await appending)
        {
            _pool.Requeue(proposal.Block.Transactions);
            return false;
        }
        if (_chain.Head.Height >= proposal.Block.Height) return _chain.Head.Hash() == proposal.Block.Hash; // applied from the log meanwhile
        _chain.CommitProposed(proposal);
        OnApplied(proposal.Block, proposal.Executed.Writes);
        if (proposal.Block.Height % (ulong)Math.Max(1, _options.LogRetainBlocks / 10) == 0) _ = Task.Run(() => TruncateLogAsync(CancellationToken.None));
        return true;
    }

    private async Task<long?> TryCampaignAsync(CancellationToken ct)
    {
        await SyncAsync(ct);
        if (_haltReason is not null || !LeaseFresh()) return null;
        try
        {
            var fence = await _log.TryCampaignAsync(_lease, JsonSerializer.SerializeToUtf8Bytes(Self), _chain.Head.Height + 1, ct);
            if (fence is not null) return fence;
            var current = await _log.GetLeaderAsync(ct);
            var leader = ParseLeader(current?.Value);
            // Still ours (leading stopped on a lost append answer while the lease lived): resume under the same fence.
            if (leader == Self) return current!.Value.Revision;
            _leader = leader;
            return null;
        }
        catch (EtcdUnavailableException e)
        {
            _logger.LogWarning("Cannot reach etcd to campaign: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>Reads and applies every block after our head. Returns the log revision it read at.</summary>
    private async Task<long> SyncAsync(CancellationToken ct)
    {
        long revision = 0;
        while (_haltReason is null)
        {
            IReadOnlyList<(ulong Height, byte[] Block)> blocks;
            try { (blocks, revision) = await _log.ReadBlocksAsync(_chain.Head.Height + 1, ReadBatch, ct); }
            catch (EtcdUnavailableException e)
            {
                _logger.LogWarning("Cannot read the block log: {Reason}", e.Message);
                return revision;
            }
            if (blocks.Count == 0) break;
            if (blocks[0].Height > _chain.Head.Height + 1)
            {
                // The log was truncated past our head: fetch the blocks in between from peers, then read on.
                if (!await CatchUpFromPeersAsync(blocks[0].Height - 1, ct)) return revision;
                continue;
            }
            var first = blocks[0].Height;
            foreach (var (height, bytes) in blocks) Apply(height, bytes);
            await FetchSignaturesAsync(first, _chain.Head.Height, ct);
            if (blocks.Count < ReadBatch) break;
        }
        return revision;
    }

    private async Task DrainEventsAsync(CancellationToken ct)
    {
        while (_haltReason is null && _events.Reader.TryRead(out var e))
        {
            if (e.Height > _chain.Head.Height + 1) await SyncAsync(ct);
            else if (e.Height == _chain.Head.Height + 1) Apply(e.Height, e.Value!);
        }
    }

    /// <summary>
    /// While leading, block events are our own blocks coming back — including the one still in
    /// flight, whose event can arrive before its append returns; false if one is not ours.
    /// </summary>
    private async Task<bool> SkipOwnBlockEventsAsync(ulong inFlight, CancellationToken ct)
    {
        while (_events.Reader.TryRead(out var e))
        {
            if (e.Height <= Math.Max(_chain.Head.Height, inFlight)) continue;
            _logger.LogWarning("Block {Height} appeared in the log from another leader", e.Height);
            await SyncAsync(ct);
            return false;
        }
        return true;
    }

    /// <summary>Validates, executes and stores one block from the log; halts the node if it cannot.</summary>
    private void Apply(ulong height, byte[] bytes)
    {
        if (height != _chain.Head.Height + 1 || _haltReason is not null) return;
        Block proposed;
        try { proposed = Block.Decode(bytes); }
        catch (FormatException e) { Halt($"block {height} in the consortium log cannot be decoded: {e.Message}"); return; }
        if (proposed.Height != height) { Halt($"the log's entry {height} holds block {proposed.Height}"); return; }
        Apply(proposed);
    }

    /// <summary>Validates, executes and stores one block (from the log or a peer); halts the node if it cannot.</summary>
    private void Apply(Block proposed)
    {
        var height = proposed.Height;
        try
        {
            var (block, writes) = _chain.ApplyReplicated(proposed, Validators, _pool.Contains);
            OnApplied(block, writes);
            if (block.Signatures.FirstOrDefault(s => s.Validator == _chain.Validator) is { } own) _ownSignatures.Enqueue((height, own));
        }
        catch (BlockRejectedException e)
        {
            Halt(e.Divergent
                ? $"DIVERGENCE at block {height} proposed by {proposed.Header.Proposer}: {e.Reason}. This node refuses the block and stops serving until an operator acts."
                : $"block {height} proposed by {proposed.Header.Proposer} is invalid: {e.Reason}. This node refuses it and stops serving until an operator acts.");
        }
    }

    /// <summary>
    /// Fetches blocks up to <paramref name="to"/> from other nodes (their stored bytes), applying
    /// each with the same checks as a block from the log: a peer cannot make us accept anything
    /// the proposer did not sign or that does not execute to the same result.
    /// </summary>
    private async Task<bool> CatchUpFromPeersAsync(ulong to, CancellationToken ct)
    {
        var peers = (await _log.GetMembersAsync(ct)).Where(b => b.Validator != Self.Validator && b.Height > _chain.Head.Height)
            .OrderByDescending(b => b.Height).Select(b => b.Url).ToList();
        _logger.LogWarning("Catching up blocks {From}-{To} from peers ({Peers}): the log no longer holds them", _chain.Head.Height + 1, to, peers.Count);
        while (_chain.Head.Height < to && _haltReason is null)
        {
            var height = _chain.Head.Height + 1;
            Block? block = null;
            foreach (var peer in peers)
            {
                try
                {
                    var raw = await _peers.GetFromJsonAsync<Ledger.Wire.RawBlockDto>($"{peer}/v1/blocks/{height}/raw", ct);
                    if (raw is not null) block = Block.Decode(Convert.FromBase64String(raw.Header), Convert.FromBase64String(raw.Body));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or FormatException && !ct.IsCancellationRequested)
                {
                    _logger.LogDebug("Peer {Peer} could not give block {Height}: {Reason}", peer, height, e.Message);
                }
                if (block is not null && block.Height == height) break;
                block = null;
            }
            if (block is null)
            {
                _logger.LogWarning("No peer could give block {Height}; trying again shortly", height);
                return false;
            }
            Apply(block);
        }
        return _haltReason is null;
    }

    /// <summary>
    /// The leader keeps the etcd log to a tail: every so often it drops blocks more than
    /// <see cref="ConsortiumOptions.LogRetainBlocks"/> behind the slowest online node.
    /// </summary>
    private async Task TruncateLogAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _truncating, 1) == 1) return;
        try
        {
            var slowest = (await _log.GetMembersAsync(ct)).Select(b => b.Height).Append(_chain.Head.Height).Min();
            var keep = slowest > (ulong)_options.LogRetainBlocks ? slowest - (ulong)_options.LogRetainBlocks : 0;
            if (keep == 0 || await _log.FirstHeightAsync(ct) is not { } first || first >= keep) return;
            await _log.TruncateBelowAsync(keep, ct);
            _logger.LogInformation("Truncated the consortium log below block {Height} (slowest online node at {Slowest})", keep, slowest);
        }
        catch (Exception e) when (e is EtcdUnavailableException or Grpc.Core.RpcException && !ct.IsCancellationRequested)
        {
            _logger.LogWarning("Could not truncate the consortium log: {Reason}", e.Message);
        }
        finally { Interlocked.Exchange(ref _truncating, 0); }
    }

    private void OnApplied(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes)
    {
        _pool.OnCommitted(block);
        if (writes.Any(w => w.Key.StartsWith(Contracts.Membership.Validators.Prefix, StringComparison.Ordinal))) _validators = null;
        InterlockedMax(ref _logHeight, (long)block.Height);
        _recentHashes[block.Height] = block.Hash;
        if (block.Height > 256) _recentHashes.TryRemove(block.Height - 256, out _);
        var signers = _signers.GetOrAdd(block.Height, _ => []);
        lock (signers) foreach (var s in block.Signatures) signers.Add(s.Validator);
        if (_earlySignatures.TryRemove(block.Height, out var early)) AddSignatures(block.Height, early);
        UpdateFinal(block.Height, signers);
        if (block.Height > 256) _signers.TryRemove(block.Height - 256, out _);
    }

    /// <summary>Publishes this node's signatures over the blocks it applied, in one etcd write every 50 ms rather than one per block.</summary>
    private async Task PublishSignaturesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(50, ct);
            var batch = new List<(ulong, byte[])>();
            while (batch.Count < 100 && _ownSignatures.TryDequeue(out var s)) batch.Add((s.Height, EncodeSignature(s.Signature)));
            if (batch.Count == 0) continue;
            try { await _log.PutSignaturesAsync(Self.Validator, batch, ct); }
            catch (EtcdUnavailableException e) { _logger.LogWarning("Could not publish signatures for {Count} blocks: {Reason}", batch.Count, e.Message); }
        }
    }

    private async Task FetchSignaturesAsync(ulong from, ulong to, CancellationToken ct)
    {
        if (to < from) return;
        try
        {
            foreach (var group in (await _log.ReadSignaturesAsync(from, to, ct)).GroupBy(s => s.Height))
                AddSignatures(group.Key, group.Select(s => DecodeSignature(s.Signature)).OfType<BlockSignature>());
        }
        catch (EtcdUnavailableException) { }
    }

    /// <summary>Keeps other validators' signatures over blocks we hold (verified first); early ones wait for their block.</summary>
    private void OnSignature(ulong height, byte[] value)
    {
        if (DecodeSignature(value) is not { } signature) return;
        if (height > _chain.Head.Height)
        {
            if (height < _chain.Head.Height + 10_000) _earlySignatures.GetOrAdd(height, _ => []).Add(signature);
            return;
        }
        AddSignatures(height, [signature]);
    }

    private void AddSignatures(ulong height, IEnumerable<BlockSignature> signatures)
    {
        var hash = _recentHashes.TryGetValue(height, out var h) ? h : _store.GetBlock(height)?.Hash;
        if (hash is null) return;
        var valid = signatures.Where(s => Validators.Contains(s.Validator) && s.Verify(hash.Value)).DistinctBy(s => s.Validator).ToList();
        if (valid.Count == 0) return;
        foreach (var s in valid) _unsavedSignatures.Enqueue((height, s));
        var signers = _signers.GetOrAdd(height, _ => []);
        lock (signers) foreach (var s in valid) signers.Add(s.Validator);
        UpdateFinal(height, signers);
    }

    private void UpdateFinal(ulong height, HashSet<AccountId> signers)
    {
        int count;
        lock (signers) count = signers.Count;
        if (count >= Quorum) InterlockedMax(ref _finalHeight, (long)height);
    }

    private async Task WatchAsync(long fromRevision, CancellationToken ct)
    {
        var events = Channel.CreateUnbounded<LogEvent>(new() { SingleReader = true });
        var next = fromRevision;
        _ = Task.Run(async () =>
        {
            await foreach (var e in events.Reader.ReadAllAsync(ct))
            {
                next = e.Revision + 1;
                try { await DispatchAsync(e); }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    _logger.LogError(error, "Could not handle the log event for {Kind} {Height}", e.Kind, e.Height);
                }
            }
        }, ct);

        async Task DispatchAsync(LogEvent e)
        {
            switch (e.Kind)
            {
                case LogEventKind.Block:
                    InterlockedMax(ref _logHeight, (long)e.Height);
                    if (e.Value is not null) await _events.Writer.WriteAsync(e, ct);
                    _wake.Release();
                    break;
                case LogEventKind.Leader:
                    _leader = e.Value is null ? null : ParseLeader(e.Value);
                    // The key is gone or someone else's (a change after we took it, not a late event from before): our lease has lapsed.
                    if (_leader != Self && e.Revision > Interlocked.Read(ref _fence)) StopLeading();
                    _wake.Release();
                    break;
                case LogEventKind.Signature when e.Value is not null:
                    OnSignature(e.Height, e.Value);
                    break;
            }
        }
        while (!ct.IsCancellationRequested)
        {
            if (await _log.WatchAsync(next, events.Writer, ct)) next = 0; // history compacted: watch from now; the periodic read catches up
            if (ct.IsCancellationRequested) break;
            // The stream broke (member down or without a leader): try another member shortly; the main loop reads meanwhile.
            await Task.Delay(200, ct);
        }
    }

    private async Task KeepLeaseAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromMilliseconds(_options.LeaseSeconds * 1000 / 4.0);
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(period, ct);
            try
            {
                if (await _log.KeepAliveAsync(_lease, ct))
                {
                    Interlocked.Exchange(ref _leaseRenewedAt, _clock.GetTimestamp());
                    continue;
                }
                _logger.LogWarning("The node's etcd lease expired; taking a new one");
                StopLeading();
                _lease = await _log.GrantLeaseAsync(_options.LeaseSeconds, ct);
                Interlocked.Exchange(ref _leaseRenewedAt, _clock.GetTimestamp());
            }
            catch (EtcdUnavailableException e)
            {
                _logger.LogWarning("Cannot renew the etcd lease: {Reason}", e.Message);
            }
            // A leader that cannot renew stops cutting blocks before its lease can run out; the fence makes late appends fail anyway.
            if (!LeaseFresh()) StopLeading();
        }
    }

    private void StopLeading()
    {
        try { _leadership?.Cancel(); }
        catch (ObjectDisposedException) { } // leading had already ended
    }

    private bool LeaseFresh() =>
        _clock.GetElapsedTime(Interlocked.Read(ref _leaseRenewedAt)) < TimeSpan.FromSeconds(_options.LeaseSeconds * 0.75);

    /// <summary>
    /// Other validators' signatures are written in batches (one durable write every 100 ms, off
    /// the block thread); a crash loses at most those, and they are still in the log.
    /// </summary>
    private async Task SaveSignaturesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(100, ct);
            var batch = new List<(ulong, BlockSignature)>();
            while (batch.Count < 10_000 && _unsavedSignatures.TryDequeue(out var s)) batch.Add(s);
            if (batch.Count > 0) _store.AddSignatures(batch);
        }
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await _log.PutMemberAsync(Heartbeat(), _lease, ct); }
            catch (EtcdUnavailableException) { }
            catch (Grpc.Core.RpcException) { }
            await Task.Delay(500, ct);
        }
    }

    public MemberHeartbeat Heartbeat() => new(Self.Validator, Self.Url, _role.ToString().ToLowerInvariant(), _chain.Head.Height, _haltReason);

    /// <summary>
    /// Checks the stored chain before serving: every block decodes, headers link, the transactions
    /// root matches the body, and every transaction and validator signature verifies (in parallel;
    /// about 20 µs a transaction on two cores, so a million-transaction chain adds ~20 s to a start).
    /// </summary>
    private string? CheckLocalChain()
    {
        Hash256? previous = null;
        ulong expected = 0;
        try
        {
            foreach (var stored in _store.ReadBlocks(0))
            {
                var block = Block.Decode(stored.Header, stored.Body);
                if (block.Height != expected) return $"the local block store is damaged: block {expected} is missing";
                if (previous is { } p && block.Header.PreviousHash != p) return $"the local block store is damaged at block {block.Height}: it does not link to block {block.Height - 1}";
                if (MerkleTree.Root(Block.Leaves(block.Transactions, block.Results, block.Genesis)) != block.Header.TransactionsRoot)
                    return $"the local block store is damaged at block {block.Height}: its transactions do not match its header";
                var hash = block.Hash;
                if (block.Signatures.FirstOrDefault(sig => !sig.Verify(hash)) is { } badSignature)
                    return $"the local block store is damaged at block {block.Height}: the signature of validator {badSignature.Validator} does not verify";
                var badTx = -1;
                Parallel.For(0, block.Transactions.Count, (i, loop) =>
                {
                    if (block.Transactions[i].VerifySignature()) return;
                    Interlocked.CompareExchange(ref badTx, i, -1);
                    loop.Stop();
                });
                if (badTx >= 0) return $"the local block store is damaged at block {block.Height}: the signature of transaction {badTx} does not verify";
                previous = block.Hash;
                expected++;
            }
        }
        catch (FormatException e) { return $"the local block store is damaged at block {expected}: {e.Message}"; }
        catch (Microsoft.Data.Sqlite.SqliteException e) { return $"the local block store cannot be read at block {expected}: {e.Message}"; }
        return null;
    }

    /// <summary>On start: the latest stored block a majority has signed (looking back a little way).</summary>
    private void InitialiseFinality()
    {
        var head = _chain.Head.Height;
        for (var h = head; h > 0 && h + 64 > head; h--)
            if (_store.GetBlock(h) is { } block && block.SignedBy(Validators) >= Quorum)
            {
                _finalHeight = (long)h;
                return;
            }
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

    /// <summary>A halted node gives up leadership and keeps publishing that it is halted, so status shows it.</summary>
    private async Task ServeHaltedAsync(CancellationToken ct)
    {
        try
        {
            if (_lease != 0) await _log.RevokeLeaseAsync(_lease, ct);
            _lease = await _log.GrantLeaseAsync(Math.Max(_options.LeaseSeconds, 5), ct);
            _leaseRenewedAt = _clock.GetTimestamp();
            while (!ct.IsCancellationRequested)
            {
                await _log.PutMemberAsync(Heartbeat(), _lease, ct);
                await Task.Delay(1000, ct);
                await _log.KeepAliveAsync(_lease, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (EtcdUnavailableException) { await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default); }
    }

    /// <summary>The leader as the log names it now (forwarding asks when its leader stops answering).</summary>
    public async Task RefreshLeaderAsync(CancellationToken ct)
    {
        try { _leader = ParseLeader((await _log.GetLeaderAsync(ct))?.Value); }
        catch (EtcdUnavailableException) { _leader = null; }
    }

    private static LeaderInfo? ParseLeader(byte[]? value)
    {
        if (value is null) return null;
        try { return JsonSerializer.Deserialize<LeaderInfo>(value); }
        catch (JsonException) { return null; }
    }

    private static byte[] EncodeSignature(BlockSignature s)
    {
        var w = new System.Formats.Cbor.CborWriter();
        w.WriteStartArray(2);
        w.WriteByteString(s.ValidatorKey);
        w.WriteByteString(s.Signature);
        w.WriteEndArray();
        return w.Encode();
    }

    private static BlockSignature? DecodeSignature(byte[] bytes)
    {
        try
        {
            var r = new System.Formats.Cbor.CborReader(bytes);
            r.ReadStartArray();
            var s = new BlockSignature(r.ReadByteString(), r.ReadByteString());
            r.ReadEndArray();
            return SignatureVerifier.IsValidPublicKey(s.ValidatorKey) ? s : null;
        }
        catch (Exception e) when (e is System.Formats.Cbor.CborContentException or InvalidOperationException) { return null; }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public void Dispose()
    {
        _peers.Dispose();
        _log.Dispose();
        Forwarder.Dispose();
    }
}

/// <summary>What each node publishes about itself under its lease, for <c>consortium status</c>.</summary>
public sealed record MemberHeartbeat(string Validator, string Url, string Role, ulong Height, string? Halted);

using System.Threading.Channels;
using CareLedger.Ledger.Blocks;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// An <see cref="IBlockLog"/> in memory, with the same compare-and-swap semantics as the etcd log,
/// for several orderers in one process (tests, demos). Leases never lapse by time: <see cref="Expire"/>
/// ends one, as a crashed or paused node's would end. <see cref="Unavailable"/> makes every call fail,
/// and <see cref="HoldAppends"/> keeps appends waiting, so a test can change leaders mid-block.
/// </summary>
public sealed class MemoryBlockLog : IBlockLog
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<ulong, byte[]> _blocks = [];
    private readonly SortedDictionary<(ulong Height, string Validator), BlockSignature> _signatures = [];
    private readonly Dictionary<string, (MemberHeartbeat Beat, long Lease)> _members = [];
    private readonly HashSet<long> _leases = [];
    private readonly List<LogEvent> _history = [];
    private (LeaderInfo Leader, long Fence, long Lease)? _leader;
    private long _revision;
    private long _truncatedAt;
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource? _appendGate;
    private int _heldAppends;

    /// <summary>While true every call throws <see cref="BlockLogException"/>, as when no member can be reached.</summary>
    public bool Unavailable { get; set; }

    /// <summary>The leader now, for tests.</summary>
    public LeaderInfo? CurrentLeader { get { lock (_lock) return _leader?.Leader; } }

    /// <summary>Appends wait (cancellably) until <see cref="ReleaseAppends"/>; they are judged when released.</summary>
    public void HoldAppends() { lock (_lock) _appendGate ??= NewSignal(); }

    /// <summary>How many appends are waiting for <see cref="ReleaseAppends"/>.</summary>
    public int HeldAppends => Volatile.Read(ref _heldAppends);

    public void ReleaseAppends()
    {
        TaskCompletionSource? gate;
        lock (_lock) (gate, _appendGate) = (_appendGate, null);
        gate?.TrySetResult();
    }

    /// <summary>Ends a lease at once: the leader key and heartbeat it carried vanish.</summary>
    public void Expire(long lease)
    {
        lock (_lock)
        {
            if (!_leases.Remove(lease)) return;
            if (_leader?.Lease == lease)
            {
                _leader = null;
                Record(LogEvent.LeaderChanged(null, ++_revision));
            }
            foreach (var (validator, entry) in _members.ToList())
                if (entry.Lease == lease) _members.Remove(validator);
        }
    }

    /// <summary>Ends the leader's lease, as if the leader had crashed; returns who led.</summary>
    public LeaderInfo? ExpireLeader()
    {
        (LeaderInfo Leader, long Fence, long Lease)? leader;
        lock (_lock) leader = _leader;
        if (leader is { } l) Expire(l.Lease);
        return leader?.Leader;
    }

    public Task<long> GrantLeaseAsync(int ttlSeconds, CancellationToken ct) => Locked(() =>
    {
        _leases.Add(++_revision);
        return _revision;
    });

    public Task<bool> KeepAliveAsync(long lease, CancellationToken ct) => Locked(() => _leases.Contains(lease));

    public Task RevokeLeaseAsync(long lease, CancellationToken ct)
    {
        ThrowIfUnavailable();
        Expire(lease);
        return Task.CompletedTask;
    }

    public Task<long?> TryCampaignAsync(long lease, LeaderInfo leader, ulong nextHeight, CancellationToken ct) => Locked<long?>(() =>
    {
        if (_leader is not null || _blocks.ContainsKey(nextHeight) || !_leases.Contains(lease)) return null;
        _leader = (leader, ++_revision, lease);
        Record(LogEvent.LeaderChanged(leader, _revision));
        return _revision;
    });

    public Task<(LeaderInfo? Leader, long Fence)?> GetLeaderAsync(CancellationToken ct) =>
        Locked<(LeaderInfo?, long)?>(() => _leader is { } l ? (l.Leader, l.Fence) : null);

    public async Task<bool> TryAppendAsync(ulong height, byte[] block, long fence, CancellationToken ct)
    {
        ThrowIfUnavailable();
        Task? gate;
        lock (_lock) gate = _appendGate?.Task;
        if (gate is not null)
        {
            Interlocked.Increment(ref _heldAppends);
            try { await gate.WaitAsync(ct); }
            finally { Interlocked.Decrement(ref _heldAppends); }
        }
        return await Locked(() =>
        {
            if (_leader?.Fence != fence || _blocks.ContainsKey(height)) return false;
            _blocks[height] = block;
            Record(LogEvent.Appended(height, block, ++_revision));
            return true;
        });
    }

    public Task<(IReadOnlyList<(ulong Height, byte[] Block)> Blocks, long Revision)> ReadBlocksAsync(ulong from, int limit, CancellationToken ct) =>
        Locked<(IReadOnlyList<(ulong, byte[])>, long)>(() => (_blocks.Where(b => b.Key >= from).Take(limit).Select(b => (b.Key, b.Value)).ToList(), _revision));

    public Task<ulong?> FirstHeightAsync(CancellationToken ct) => Locked(() => _blocks.Count == 0 ? (ulong?)null : _blocks.Keys.First());

    public Task<ulong?> LastHeightAsync(CancellationToken ct) => Locked(() => _blocks.Count == 0 ? (ulong?)null : _blocks.Keys.Last());

    public Task TruncateBelowAsync(ulong height, CancellationToken ct) => Locked(() =>
    {
        foreach (var h in _blocks.Keys.Where(h => h < height).ToList()) _blocks.Remove(h);
        foreach (var key in _signatures.Keys.Where(k => k.Height < height).ToList()) _signatures.Remove(key);
        _truncatedAt = ++_revision;
        _history.RemoveAll(e => e.Revision <= _truncatedAt);
        return true;
    });

    public Task PutMemberAsync(MemberHeartbeat heartbeat, long lease, CancellationToken ct) => Locked(() =>
    {
        if (!_leases.Contains(lease)) return false;
        _members[heartbeat.Validator] = (heartbeat, lease);
        return true;
    });

    public Task<IReadOnlyList<MemberHeartbeat>> GetMembersAsync(CancellationToken ct) =>
        Locked<IReadOnlyList<MemberHeartbeat>>(() => _members.Values.Select(m => m.Beat).ToList());

    public Task PutSignaturesAsync(string validator, IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures, CancellationToken ct) => Locked(() =>
    {
        foreach (var (height, signature) in signatures)
        {
            _signatures[(height, validator)] = signature;
            Record(LogEvent.Signed(height, signature, ++_revision));
        }
        return true;
    });

    public Task<IReadOnlyList<(ulong Height, BlockSignature Signature)>> ReadSignaturesAsync(ulong from, ulong to, CancellationToken ct) =>
        Locked<IReadOnlyList<(ulong, BlockSignature)>>(() => _signatures.Where(s => s.Key.Height >= from && s.Key.Height <= to).Select(s => (s.Key.Height, s.Value)).ToList());

    public async Task<bool> WatchAsync(long fromRevision, ChannelWriter<LogEvent> sink, CancellationToken ct)
    {
        var next = fromRevision;
        while (!ct.IsCancellationRequested)
        {
            List<LogEvent> events;
            Task changed;
            lock (_lock)
            {
                if (Unavailable) return false;
                if (next == 0) next = _revision + 1;
                if (next <= _truncatedAt) return true;
                events = _history.Where(e => e.Revision >= next).ToList();
                changed = _changed.Task;
            }
            foreach (var e in events) await sink.WriteAsync(e, ct);
            if (events.Count > 0) next = events[^1].Revision + 1;
            else
            {
                try { await changed.WaitAsync(ct); }
                catch (OperationCanceledException) { return false; }
            }
        }
        return false;
    }

    public void Dispose() => ReleaseAppends();

    private void Record(LogEvent e)
    {
        _history.Add(e);
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private Task<T> Locked<T>(Func<T> call)
    {
        lock (_lock)
        {
            ThrowIfUnavailable();
            return Task.FromResult(call());
        }
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable) throw new BlockLogException("the in-memory block log is unavailable");
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

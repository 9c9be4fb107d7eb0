using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Records;

/// <summary>The background half: what blocks committed is fetched one item at a time, each retried with back-off until held.</summary>
public sealed partial class VaultCopies
{
    /// <summary>A version of a record (Record, Version) or a grant's keys (Patient, Grant).</summary>
    private sealed record Wanted(string? Record, long Version, AccountId? Patient, string? Grant);

    /// <summary>The author uploads to their own node after the commit: the first try waits this long, and each retry twice the last.</summary>
    private static readonly TimeSpan FirstTry = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(1);
    /// <summary>About a quarter of an hour of tries; after that a read still fetches it on demand.</summary>
    private const int Tries = 20;

    /// <summary>
    /// The most items waiting at once (about 30 MB of queue). A new item beyond it is refused, not queued: a read still
    /// fetches it on demand and the next start's scan queues it again, whereas dropping the oldest would throw away the
    /// items nearest their turn. Refusals are counted (<see cref="Refused"/>) and logged once until the queue has room.
    /// </summary>
    public int MaxQueued { get; init; } = 100_000;

    private readonly PriorityQueue<(Wanted Item, int Try), DateTimeOffset> _due = new();
    private readonly Lock _dueLock = new();
    private readonly HashSet<Wanted> _scheduled = [];
    private readonly SemaphoreSlim _added = new(0);
    private long _refused;
    private bool _full;

    /// <summary>Items waiting for their turn (each version or grant once, however many retries it has had).</summary>
    public int Queued { get { lock (_dueLock) return _scheduled.Count; } }

    /// <summary>Items not queued since start because <see cref="MaxQueued"/> were waiting.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Once caught up after a start: everything the ledger holds that this node lacks (the queue does not outlive the
    /// process; blocks applied while catching up were queued as they committed).
    /// </summary>
    public Task AfterCatchUpAsync(CancellationToken ct)
    {
        var state = ledger.State;
        var now = ledger.NotBeforeHead;
        var patients = new HashSet<AccountId>();
        foreach (var (_, record) in state.Scan(Contracts.Records.MedicalRecord.All).Where(e => !e.Value.Erased))
        {
            patients.Add(record.Patient);
            foreach (var (_, version) in state.Scan(Contracts.Records.RecordVersion.Of(record.Id)))
                if (!content.HoldsVersion(record.Id, version.Version)) Schedule(new Wanted(record.Id, version.Version, null, null), 0, clock.GetUtcNow());
        }
        foreach (var grant in patients.SelectMany(p => state.Scan(Contracts.Records.ConsentGrant.Of(p)).Select(e => e.Value))
            .Where(g => !g.Revoked && g.Expiry > now && g.KeysHash != Contracts.Records.RecordKeys.SameKey && !content.HoldsGrantKeys(g.Patient, g.Id)))
            Schedule(new Wanted(null, 0, grant.Patient, grant.Id), 0, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    private void Enqueue(Wanted item) => Schedule(item, 0, clock.GetUtcNow() + FirstTry);

    private void Schedule(Wanted item, int attempt, DateTimeOffset at)
    {
        var refusedFirst = false;
        lock (_dueLock)
        {
            if (attempt == 0 && _scheduled.Count >= MaxQueued && !_scheduled.Contains(item))
            {
                Interlocked.Increment(ref _refused);
                refusedFirst = !_full;
                _full = true;
            }
            else
            {
                _full = _full && _scheduled.Count >= MaxQueued;
                // Each item once in the queue: a block that names it again, or the start-up scan, adds nothing.
                if (attempt == 0 && !_scheduled.Add(item)) return;
                _due.Enqueue((item, attempt), at);
            }
        }
        if (refusedFirst)
            logger.LogWarning("The background copy queue is full ({Max} items): {Item} and later items are not queued until it has room; reads still fetch them",
                MaxQueued, Describe(item));
        else _added.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                (Wanted Item, int Try) next;
                TimeSpan wait;
                // Looked at and taken in one step: an item scheduled in between cannot be taken in its place.
                lock (_dueLock)
                {
                    if (!_due.TryPeek(out next, out var at)) wait = Timeout.InfiniteTimeSpan;
                    else if ((wait = at - clock.GetUtcNow()) <= TimeSpan.Zero)
                    {
                        _due.Dequeue();
                        wait = TimeSpan.Zero;
                    }
                }
                if (wait != TimeSpan.Zero)
                {
                    // Woken early by a new item, which may be due sooner.
                    await _added.WaitAsync(wait == Timeout.InfiniteTimeSpan ? wait : Min(wait, LongestWait), stoppingToken);
                    continue;
                }
                if (await TryOnceAsync(next.Item, stoppingToken))
                {
                    lock (_dueLock) _scheduled.Remove(next.Item);
                    continue;
                }
                if (next.Try + 1 >= Tries)
                {
                    lock (_dueLock) _scheduled.Remove(next.Item);
                    logger.LogWarning("No peer gave a copy of {Item} after {Tries} tries; a read will ask again", Describe(next.Item), Tries);
                    continue;
                }
                Schedule(next.Item, next.Try + 1, clock.GetUtcNow() + Min(FirstTry * Math.Pow(2, next.Try + 1), LongestWait));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // A copy that fails in a way not foreseen is tried again later; it must not stop the node (a failing hosted service stops its host).
    private async Task<bool> TryOnceAsync(Wanted item, CancellationToken ct)
    {
        try { return await TryAsync(item, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Copying {Item} failed; it will be tried again", Describe(item));
            return false;
        }
    }

    /// <summary>True when nothing more is to be done: held here (the author may have uploaded it here), erased, revoked, or kept from a peer.</summary>
    private async Task<bool> TryAsync(Wanted item, CancellationToken ct)
    {
        var state = ledger.State;
        if (item.Record is { } id)
        {
            if (RecordLedger.Find(state, id) is not { Erased: false } || content.HoldsVersion(id, item.Version)) return true;
            return await FetchVersionAsync(id, item.Version, ct);
        }
        var grant = state.Get(Contracts.Records.ConsentGrant.Key(item.Patient!.Value, item.Grant!));
        if (grant is not { Revoked: false } || grant.KeysHash == Contracts.Records.RecordKeys.SameKey || content.HoldsGrantKeys(grant.Patient, grant.Id)) return true;
        return await FetchGrantKeysAsync(grant.Patient, grant.Id, ct);
    }

    private static string Describe(Wanted item) => item.Record is { } id ? $"record {id} version {item.Version}" : $"grant {item.Grant}'s keys";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Ordering;

/// <summary>
/// A transaction's way through a node as trace spans (ActivitySource <see cref="SourceName"/>): admitted, queued until a
/// block takes it, the block executed, ordered by the consortium's log, stored. Only a transaction whose submission was
/// sampled (a recorded <see cref="Activity.Current"/> when it was admitted) is followed; with no listener or no sampled
/// submission this costs one dictionary check per block. The spans of a block are written when it is durable, as
/// children of the submission, with the times the block measured (<see cref="BlockTimings"/>).
/// </summary>
public sealed class LedgerTracing
{
    public const string SourceName = "CareLedger.Ledger";
    public static readonly ActivitySource Source = new(SourceName);

    private readonly ConcurrentDictionary<Hash256, Followed> _followed = new();

    private sealed class Followed(ActivityContext context, DateTimeOffset admitted)
    {
        public ActivityContext Context { get; } = context;
        public DateTimeOffset Admitted { get; } = admitted;
        public DateTimeOffset? Taken { get; set; }
    }

    /// <summary>Starts the admission span, a child of the current one (the HTTP request), when anyone listens.</summary>
    public static Activity? StartAdmission(Hash256 tx) =>
        Source.HasListeners() ? Source.StartActivity("tx.admit")?.SetTag("careledger.tx", tx.ToString()) : null;

    /// <summary>Follows an admitted transaction if its admission is recorded.</summary>
    public void Admitted(Hash256 tx, Activity? admission)
    {
        if (admission is { Recorded: true }) _followed[tx] = new Followed(admission.Context, DateTimeOffset.UtcNow);
    }

    /// <summary>The trace a followed transaction belongs to (to carry it to the leader), or default.</summary>
    public ActivityContext ContextOf(Hash256 tx) => _followed.TryGetValue(tx, out var f) ? f.Context : default;

    public bool Any => !_followed.IsEmpty;

    /// <summary>Notes when a block (or a forward to the leader) took the transactions.</summary>
    public void Taken(IEnumerable<Transactions.Transaction> batch)
    {
        if (_followed.IsEmpty) return;
        var now = DateTimeOffset.UtcNow;
        foreach (var tx in batch)
            if (_followed.TryGetValue(tx.Id, out var f)) f.Taken ??= now;
    }

    public void Forget(Hash256 tx) => _followed.TryRemove(tx, out _);

    /// <summary>Writes the spans of the followed transactions a durable block holds, and stops following them.</summary>
    public void Committed(Block block, BlockTimings? timings)
    {
        if (_followed.IsEmpty) return;
        foreach (var tx in block.Transactions)
        {
            if (!_followed.TryRemove(tx.Id, out var f)) continue;
            var height = (long)block.Height;
            Span("tx.queued", f.Context, f.Admitted, f.Taken ?? timings?.ExecuteStart ?? f.Admitted, height);
            if (timings is not { } t) continue;
            Span("block.execute", f.Context, t.ExecuteStart, t.ExecuteEnd, height);
            if (t.Ordered) Span("block.order", f.Context, t.ExecuteEnd, t.StoreStart, height);
            Span("block.store", f.Context, t.StoreStart, t.StoreEnd, height);
        }
    }

    private static void Span(string name, ActivityContext parent, DateTimeOffset start, DateTimeOffset end, long height)
    {
        using var span = Source.StartActivity(name, ActivityKind.Internal, parent, startTime: start);
        if (span is null) return;
        span.SetTag("careledger.height", height);
        span.SetEndTime(end.UtcDateTime);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>
/// A sampled transaction's spans on one node (solo ordering, a real SQLite chain): admitted under the caller's span,
/// then queued, executed and stored as that admission's children once its block is durable; an unsampled one leaves none.
/// </summary>
public sealed class LedgerTracingTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _validator = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivityListener _listener;
    private readonly ActivitySource _caller = new("LedgerTracingTests.caller");

    public LedgerTracingTests()
    {
        // Like a parent-based sampler: a span is recorded when its parent is; of root spans only this test's caller's are
        // (other tests' pools, running alongside, start root admissions that must stay unrecorded).
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is LedgerTracing.SourceName || s == _caller,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) => (o.Parent == default ? o.Source == _caller : o.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded))
                ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
            ActivityStopped = a => { if (a.Source.Name == LedgerTracing.SourceName) _ended.Enqueue(a); },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _caller.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task SampledSubmission_OnceItsBlockIsDurable_HasQueuedExecuteAndStoreSpansUnderItsAdmission()
    {
        using var store = await SqliteLedgerStore.OpenAsync(_dir.File("ledger.db"), default);
        var chain = await LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), _validator, TestChain.Genesis(_validator), default);
        var pool = new TransactionPool(TestChain.Runtime(), store, (_, _) => ValueTask.FromResult<Receipt?>(null), TestChain.Clock, 100);
        var sampled = TestChain.Put(_alice, 1, "traced", 1);
        var unsampled = TestChain.Put(_alice, 2, "quiet", 1);

        ActivityTraceId trace;
        using (var request = _caller.StartActivity("request"))
        {
            trace = request!.TraceId;
            Assert.Equal(SubmitStatus.Accepted, pool.Submit(sampled).Status);
        }
        using (var notRecorded = new Activity("unsampled request").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom()).Start())
            Assert.Equal(SubmitStatus.Accepted, pool.Submit(unsampled).Status);
        var batch = await pool.TakeBatchAsync(10, TimeSpan.Zero, default);
        var block = await chain.CommitBatchAsync(batch, TestChain.Time + 1000, default);
        pool.OnCommitted(block, chain.LastTimings);

        var spans = _ended.Where(a => a.TraceId == trace).ToList();
        var admit = Assert.Single(spans, s => s.OperationName == "tx.admit");
        Assert.Equal(sampled.Id.ToString(), admit.GetTagItem("careledger.tx"));
        foreach (var name in new[] { "tx.queued", "block.execute", "block.store" })
        {
            var span = Assert.Single(spans, s => s.OperationName == name);
            Assert.Equal(admit.SpanId, span.ParentSpanId);
            Assert.Equal((long)block.Height, span.GetTagItem("careledger.height"));
            Assert.True(span.Duration >= TimeSpan.Zero, $"{name} ends before it starts");
        }
        Assert.DoesNotContain(spans, s => s.OperationName == "block.order"); // solo: nothing orders between execution and storage
        Assert.True(spans.Single(s => s.OperationName == "block.execute").StartTimeUtc <= spans.Single(s => s.OperationName == "block.store").StartTimeUtc);
        Assert.DoesNotContain(_ended, a => a.OperationName != "tx.admit" && a.TraceId != trace);
        Assert.False(pool.Tracing.Any); // nothing left followed once the block is durable
    }
}

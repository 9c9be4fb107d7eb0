using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests.Ordering;

public class BatchLingerTests
{
    // Long enough that a transaction 300 ms late is well inside it; short where a test only sits it out.
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ShortLinger = TimeSpan.FromMilliseconds(300);

    private static void Submit(TransactionPool pool, params Transaction[] txs)
    {
        foreach (var tx in txs) Assert.Equal(SubmitStatus.Accepted, pool.Submit(tx).Status);
    }

    [Fact]
    public async Task Take_FirstBatch_LingersForLaterArrivals()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var batches = new BatchLinger(maxTransactions: 10, Linger);
        Submit(pool, TestChain.Put(key, 1, "a", 1));

        var taking = batches.TakeAsync(pool, CancellationToken.None);
        await Task.Delay(300);
        Submit(pool, TestChain.Put(key, 2, "b", 1));

        Assert.Equal(2, (await taking).Count);
    }

    [Fact]
    public async Task Take_AsManyAsThePreviousBatch_IsCutWithoutWaitingOutTheLinger()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var batches = new BatchLinger(maxTransactions: 10, Linger);
        Submit(pool, TestChain.Put(key, 1, "a", 1), TestChain.Put(key, 2, "b", 1));
        Assert.Equal(2, (await batches.TakeAsync(pool, CancellationToken.None)).Count);

        Submit(pool, TestChain.Put(key, 3, "c", 1), TestChain.Put(key, 4, "d", 1));
        var taking = batches.TakeAsync(pool, CancellationToken.None);
        await Task.Delay(300);
        var late = TestChain.Put(key, 5, "e", 1);
        Submit(pool, late);

        // Had it lingered, the transaction that came 300 ms later, well inside the linger, would be in this batch.
        var batch = await taking;
        Assert.Equal([3UL, 4UL], batch.Select(t => t.Nonce));
        Assert.Equal(late.Id, Assert.Single(await batches.TakeAsync(pool, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Take_MoreWaitingThanThePreviousBatch_TakesThemAll()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var batches = new BatchLinger(maxTransactions: 10, ShortLinger);
        Submit(pool, TestChain.Put(key, 1, "a", 1));
        Assert.Single(await batches.TakeAsync(pool, CancellationToken.None));

        Submit(pool, [.. Enumerable.Range(2, 5).Select(n => TestChain.Put(key, (ulong)n, $"k{n}", 1))]);

        Assert.Equal(5, (await batches.TakeAsync(pool, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Take_WithoutEarlyCuts_WaitsOutTheLingerAsBefore()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var batches = new BatchLinger(maxTransactions: 10, Linger, cutEarly: false);
        Submit(pool, TestChain.Put(key, 1, "a", 1));
        Assert.Single(await batches.TakeAsync(pool, CancellationToken.None));

        Submit(pool, TestChain.Put(key, 2, "b", 1));
        var taking = batches.TakeAsync(pool, CancellationToken.None);
        await Task.Delay(300);
        Submit(pool, TestChain.Put(key, 3, "c", 1));

        Assert.Equal([2UL, 3UL], (await taking).Select(t => t.Nonce));
    }

    [Fact]
    public async Task Take_NeverMoreThanTheMaximum()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var batches = new BatchLinger(maxTransactions: 3, ShortLinger);
        Submit(pool, [.. Enumerable.Range(1, 5).Select(n => TestChain.Put(key, (ulong)n, $"k{n}", 1))]);

        Assert.Equal(3, (await batches.TakeAsync(pool, CancellationToken.None)).Count);
        Assert.Equal(2, (await batches.TakeAsync(pool, CancellationToken.None)).Count);
    }
}

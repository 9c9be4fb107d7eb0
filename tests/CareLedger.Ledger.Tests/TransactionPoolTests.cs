using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

public class TransactionPoolTests
{
    [Fact]
    public void Submit_TransactionBuiltInProcessOverTheSizeLimit_IsRejected()
    {
        using var key = SigningKey.Generate();
        var huge = Transaction.Create(key, TestChain.ChainId, 1, TestChain.Time + 1000, "notes", "put",
            new CborMap { ["key"] = new string('k', Transaction.MaxSize), ["value"] = 1L });

        var result = TestChain.Pool().Submit(huge);

        Assert.Equal(SubmitStatus.Rejected, result.Status);
        Assert.Contains("limit", result.Reason);
    }

    [Fact]
    public void Submit_BadSignature_IsRejectedAndTakesNoSlot()
    {
        using var key = SigningKey.Generate();
        using var other = SigningKey.Generate();
        var tx = TestChain.Put(key, 1, "a", 1);
        var pool = TestChain.Pool(capacity: 1);

        Assert.Equal(SubmitStatus.Rejected, pool.Submit(tx with { Signature = other.Sign(tx.Id) }).Status);
        Assert.Equal(0, pool.Count);
        Assert.Equal(SubmitStatus.Accepted, pool.Submit(tx).Status);
        Assert.Equal(SubmitStatus.Full, pool.Submit(TestChain.Put(key, 2, "b", 1)).Status);
    }

    [Fact]
    public async Task TakeBatch_CancelledWhileLingering_PutsWhatItTookBackInLine()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var tx = TestChain.Put(key, 1, "a", 1);
        Assert.Equal(SubmitStatus.Accepted, pool.Submit(tx).Status);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pool.TakeBatchAsync(10, TimeSpan.FromSeconds(30), cancel.Token));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var again = await pool.TakeBatchAsync(10, TimeSpan.Zero, limit.Token);
        Assert.Equal(tx.Id, Assert.Single(again).Id);
    }

    [Fact]
    public async Task Requeue_TransactionCommittedMeanwhile_IsNotTakenAgain()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var first = TestChain.Put(key, 1, "a", 1);
        var second = TestChain.Put(key, 2, "b", 1);
        pool.Submit(first);
        pool.Submit(second);
        var taken = await pool.TakeBatchAsync(10, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(2, taken.Count);

        pool.Reject(first.Id, "refused by the leader");
        pool.Requeue(taken);

        var again = await pool.TakeBatchAsync(10, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(second.Id, Assert.Single(again).Id);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public async Task Reject_PendingTransaction_FailsItsWaiterWithTheReason()
    {
        using var key = SigningKey.Generate();
        var pool = TestChain.Pool();
        var tx = TestChain.Put(key, 1, "a", 1);
        pool.Submit(tx);
        var waiting = pool.WaitForCommitAsync(tx.Id, CancellationToken.None);

        pool.Reject(tx.Id, "nonce 1 was already used");

        var error = await Assert.ThrowsAsync<TransactionRejectedException>(() => waiting);
        Assert.Contains("nonce 1", error.Reason);
        Assert.False(pool.Contains(tx.Id));
    }
}

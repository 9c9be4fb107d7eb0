using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

public class TransactionPoolTests
{
    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(TestChain.Time);
    }

    private static TransactionPool Pool(int capacity = 100) => new(TestChain.Runtime(), new MemoryState(), _ => null, new FixedClock(), capacity);

    [Fact]
    public void Submit_TransactionBuiltInProcessOverTheSizeLimit_IsRejected()
    {
        using var key = SigningKey.Generate();
        var huge = Transaction.Create(key, TestChain.ChainId, 1, TestChain.Time + 1000, "notes", "put",
            new CborMap { ["key"] = new string('k', Transaction.MaxSize), ["value"] = 1L });

        var result = Pool().Submit(huge);

        Assert.Equal(SubmitStatus.Rejected, result.Status);
        Assert.Contains("limit", result.Reason);
    }

    [Fact]
    public void Submit_BadSignature_IsRejectedAndTakesNoSlot()
    {
        using var key = SigningKey.Generate();
        using var other = SigningKey.Generate();
        var tx = TestChain.Put(key, 1, "a", 1);
        var pool = Pool(capacity: 1);

        Assert.Equal(SubmitStatus.Rejected, pool.Submit(tx with { Signature = other.Sign(tx.Id) }).Status);
        Assert.Equal(0, pool.Count);
        Assert.Equal(SubmitStatus.Accepted, pool.Submit(tx).Status);
        Assert.Equal(SubmitStatus.Full, pool.Submit(TestChain.Put(key, 2, "b", 1)).Status);
    }
}

using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>How a follower hands the transactions it admitted to the leader (HTTP between nodes).</summary>
public interface ILeaderLink
{
    /// <summary>Sends a batch to <paramref name="leader"/>; its answer per transaction, in order, or null when the batch did not arrive or the answer is unusable.</summary>
    Task<IReadOnlyList<ForwardResult>?> ForwardAsync(LeaderInfo leader, IReadOnlyList<Transaction> txs, CancellationToken ct);
}

/// <summary><c>accepted</c>, <c>committed</c> (already in a block), <c>full</c> (retry) or <c>rejected</c> with a reason.</summary>
public sealed record ForwardResult(string Status, string? Reason = null)
{
    /// <summary>The leader's intake of one forwarded transaction: what its pool says, where "already in a block" counts as done.</summary>
    /// <param name="isCommitted">Whether a stored block holds the transaction; asked only of one the pool refuses.</param>
    public static async ValueTask<ForwardResult> AdmitAsync(TransactionPool pool, Transaction tx, Func<Cryptography.Hash256, CancellationToken, ValueTask<bool>> isCommitted,
        CancellationToken ct)
    {
        if (pool.Contains(tx.Id)) return new("accepted");
        var submitted = pool.Submit(tx);
        return submitted.Status switch
        {
            SubmitStatus.Accepted => new("accepted"),
            SubmitStatus.Full => new("full", submitted.Reason),
            // Refused because it is already in a block (its nonce is used): that is success for the sender.
            _ => await isCommitted(tx.Id, ct) ? new("committed") : new("rejected", submitted.Reason),
        };
    }
}

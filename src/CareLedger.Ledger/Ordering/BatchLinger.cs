namespace CareLedger.Ledger.Ordering;

/// <summary>
/// How long a batch lingers for more transactions. A linger trades latency for larger batches: one fsync (or one
/// consortium log append) then serves many transactions. But when the same clients keep the node busy, each waiting for
/// its last transaction's commit before sending the next, the batch that just committed says how many are coming: once
/// that many are in, waiting out the rest of the linger only leaves the cores idle. So a batch is cut as soon as it
/// holds as many transactions as the previous one, or when the linger ends, whichever comes first. A lone transaction
/// after a quiet spell is cut at once (the previous batch was small too), which is also what a short linger gives it;
/// a batch larger than the last one is still taken whole, so the size follows the load up as well as down.
/// </summary>
public sealed class BatchLinger(int maxTransactions, TimeSpan linger)
{
    private int _previous = int.MaxValue;

    public int MaxTransactions => maxTransactions;
    public TimeSpan Linger => linger;

    /// <summary>The next batch from <paramref name="pool"/>; empty only if there was nothing to take.</summary>
    public async Task<IReadOnlyList<Transactions.Transaction>> TakeAsync(TransactionPool pool, CancellationToken ct)
    {
        var batch = await pool.TakeBatchAsync(maxTransactions, linger, ct, enough: _previous);
        if (batch.Count > 0) _previous = batch.Count;
        return batch;
    }
}

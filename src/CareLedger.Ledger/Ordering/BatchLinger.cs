namespace CareLedger.Ledger.Ordering;

/// <summary>
/// How long a single node's next block waits for more transactions. The linger trades latency for larger blocks, so
/// that one fsync serves many transactions. But when the same clients keep the node busy, each waiting for its last
/// transaction's commit before sending the next, the block that just committed says how many are coming: once that many
/// are in, waiting out the rest of the linger only leaves the cores idle. So a batch is cut as soon as it holds as many
/// transactions as the previous one, or when the linger ends, whichever comes first. Whatever is already waiting is
/// taken whole, so the size follows the load up as well as down. A consortium's leader does not use it: smaller blocks
/// cost it more, each one being an append to the consortium's log (bench README, 2026-12-07).
/// </summary>
/// <param name="cutEarly">False: every batch waits out the linger (unless it fills), as before this rule.</param>
public sealed class BatchLinger(int maxTransactions, TimeSpan linger, bool cutEarly = true)
{
    private int _previous = int.MaxValue;

    /// <summary>The next batch from <paramref name="pool"/>; empty only if there was nothing to take.</summary>
    public async Task<IReadOnlyList<Transactions.Transaction>> TakeAsync(TransactionPool pool, CancellationToken ct)
    {
        var batch = await pool.TakeBatchAsync(maxTransactions, linger, ct, enough: _previous);
        if (batch.Count > 0 && cutEarly) _previous = batch.Count;
        return batch;
    }
}

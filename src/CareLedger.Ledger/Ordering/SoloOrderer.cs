using CareLedger.Ledger.Chain;

namespace CareLedger.Ledger.Ordering;

/// <summary>Block cutting on one node: a block holds up to <c>maxTransactions</c>, or whatever arrived within <c>linger</c>.</summary>
public sealed class SoloOrderer(LedgerChain chain, TransactionPool pool, TimeProvider clock, int maxTransactions, TimeSpan linger) : IOrderer
{
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<Transactions.Transaction> batch;
            try { batch = await pool.TakeBatchAsync(maxTransactions, linger, ct); }
            catch (OperationCanceledException) { return; }
            if (batch.Count == 0) continue;
            var block = await chain.CommitBatchAsync(batch, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct);
            pool.OnCommitted(block, chain.LastTimings);
        }
    }
}

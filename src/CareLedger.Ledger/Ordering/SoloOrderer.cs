using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Ordering;

/// <summary>
/// Block cutting on one node: a block holds up to <c>maxTransactions</c>, or whatever arrived within <c>linger</c>, or
/// as many as the previous block once they are in (<see cref="BatchLinger"/>).
/// With a <paramref name="space"/> it cuts no block while the disk is full, and a block refused for want of space is
/// committed again, the same batch, once room returns.
/// </summary>
public sealed class SoloOrderer(LedgerChain chain, TransactionPool pool, TimeProvider clock, int maxTransactions, TimeSpan linger, IStorageSpace? space = null) : IOrderer
{
    private readonly BatchLinger _batches = new(maxTransactions, linger);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<Transactions.Transaction> batch;
            try
            {
                if (space is not null) await space.WaitForRoomAsync(ct);
                batch = await _batches.TakeAsync(pool, ct);
            }
            catch (OperationCanceledException) { return; }
            if (batch.Count == 0) continue;
            var block = await CommitAsync(batch, ct);
            pool.OnCommitted(block, chain.LastTimings);
        }
    }

    private async Task<Blocks.Block> CommitAsync(IReadOnlyList<Transactions.Transaction> batch, CancellationToken ct)
    {
        while (true)
        {
            try { return await chain.CommitBatchAsync(batch, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct); }
            catch (Exception e) when (space is not null && StorageFull.Is(e))
            {
                space.ReportFull(e);
                await space.WaitForRoomAsync(ct);
            }
        }
    }
}

using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Ordering;

/// <summary>
/// Block cutting on one node, as <paramref name="batches"/> says: up to a maximum, or whatever arrived within the linger,
/// or as many as the previous block once they are in (<see cref="BatchLinger"/>).
/// With a <paramref name="space"/> it cuts no block while the disk is full, and a block refused for want of space is
/// committed again, the same batch, once room returns.
/// </summary>
public sealed class SoloOrderer(LedgerChain chain, TransactionPool pool, TimeProvider clock, BatchLinger batches, IStorageSpace? space = null) : IOrderer
{
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<Transactions.Transaction> batch;
            try
            {
                if (space is not null) await space.WaitForRoomAsync(ct);
                batch = await batches.TakeAsync(pool, ct);
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

using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Bench;

/// <summary>In-process clients: submit straight to the node's pool and await the commit, as the HTTP endpoint does.</summary>
public sealed class PoolSender(TransactionPool pool, Transaction[][] plans) : ITransactionSender
{
    private long _retries;

    public long Retries => Interlocked.Read(ref _retries);

    public async ValueTask<Delivery> SendAsync(int client, int index, CancellationToken ct)
    {
        var tx = plans[client][index];
        SubmitResult submitted;
        while ((submitted = pool.Submit(tx)).Status == SubmitStatus.Full)
        {
            Interlocked.Increment(ref _retries);
            await Task.Delay(BackOff.Next(), ct);
        }
        if (submitted.Status == SubmitStatus.Rejected) return Delivery.Rejected;
        var receipt = await pool.WaitForCommitAsync(tx.Id, ct);
        return receipt.Result.Valid ? Delivery.Valid : Delivery.Invalid;
    }
}

/// <summary>A short randomised pause before retrying a submission the node was too busy to take.</summary>
public static class BackOff
{
    public static TimeSpan Next() => TimeSpan.FromMilliseconds(5 + Random.Shared.Next(15));
}

using System.Collections.Concurrent;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// On a follower, sends the transactions this node admitted to the leader, in batches. They stay
/// pending here until they arrive in a block; if the leader changes before that, they are sent
/// again to the new one (the leader takes a transaction it already has, or has committed, as done).
/// </summary>
public sealed class Forwarder(TransactionPool pool, ConsortiumOrderer orderer, ILeaderLink link, ILogger logger)
{
    private const int MaxBatch = 1000;
    private const int MaxBatchBytes = 768 * 1024;
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<Hash256, (Transaction Tx, DateTime SentAt)> _sent = new();
    private DateTime _lastSweep = DateTime.UtcNow;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (orderer.Role != ConsortiumRole.Follower)
            {
                // Transactions this node forwarded to a leader that died go back in line: if this node leads now, it includes them.
                SweepResends();
                await Task.Delay(20, ct);
                continue;
            }
            IReadOnlyList<Transaction> batch;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wait.CancelAfter(TimeSpan.FromMilliseconds(500));
                try { batch = await pool.TakeBatchAsync(MaxBatch, TimeSpan.FromMilliseconds(2), wait.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { batch = []; }
            }
            SweepResends();
            if (batch.Count == 0) continue;
            if (orderer.Role != ConsortiumRole.Follower || orderer.Leader is not { } leader || leader.Validator == orderer.Self.Validator)
            {
                // We lead now (the leader takes from the same pool), or nobody leads yet.
                pool.Requeue(batch);
                if (orderer.Leader is null) await Task.Delay(50, ct);
                continue;
            }
            foreach (var chunk in Chunks(batch))
                if (!await SendAsync(leader, chunk, ct))
                {
                    pool.Requeue(batch);
                    await orderer.RefreshLeaderAsync(ct);
                    await Task.Delay(50, ct);
                    break;
                }
        }
    }

    private async Task<bool> SendAsync(LeaderInfo leader, IReadOnlyList<Transaction> txs, CancellationToken ct)
    {
        IReadOnlyList<ForwardResult>? results;
        using (var span = StartForwardSpan(leader, txs)) results = await link.ForwardAsync(leader, txs, ct);
        if (results is null || results.Count != txs.Count) return false;
        var full = new List<Transaction>();
        var now = DateTime.UtcNow;
        for (var i = 0; i < txs.Count; i++)
        {
            switch (results[i].Status)
            {
                case "accepted" or "committed": _sent[txs[i].Id] = (txs[i], now); break;
                case "full": full.Add(txs[i]); break;
                default: pool.Reject(txs[i].Id, results[i].Reason ?? "refused"); break;
            }
        }
        if (full.Count > 0)
        {
            pool.Requeue(full);
            await Task.Delay(50, ct);
        }
        return true;
    }

    /// <summary>Sent transactions still not in a block after a while (the leader crashed or changed) go out again.</summary>
    /// <summary>
    /// A span for the forward when the batch holds sampled transactions: a child of the first one's trace, linked to the
    /// others', current while the request is sent so that the leader's spans join that trace (<see cref="LedgerTracing"/>).
    /// </summary>
    private System.Diagnostics.Activity? StartForwardSpan(LeaderInfo leader, IReadOnlyList<Transaction> txs)
    {
        if (!pool.Tracing.Any) return null;
        var traces = txs.Select(tx => pool.Tracing.ContextOf(tx.Id)).Where(c => c != default).ToList();
        if (traces.Count == 0) return null;
        return LedgerTracing.Source.StartActivity("tx.forward", System.Diagnostics.ActivityKind.Internal, traces[0],
            links: traces.Skip(1).Select(c => new System.Diagnostics.ActivityLink(c)))
            ?.SetTag("careledger.leader", leader.Url).SetTag("careledger.batch", txs.Count);
    }

    private void SweepResends()
    {
        var now = DateTime.UtcNow;
        if (now - _lastSweep < TimeSpan.FromMilliseconds(500)) return;
        _lastSweep = now;
        var again = new List<Transaction>();
        foreach (var (id, (tx, sentAt)) in _sent)
        {
            if (!pool.Contains(id)) _sent.TryRemove(id, out _);
            else if (now - sentAt > ResendAfter && _sent.TryRemove(id, out _)) again.Add(tx);
        }
        if (again.Count == 0) return;
        again.Sort(static (a, b) => a.Sender != b.Sender ? a.Sender.CompareTo(b.Sender) : a.Nonce.CompareTo(b.Nonce));
        logger.LogInformation("Resending {Count} forwarded transactions not yet in a block", again.Count);
        pool.Requeue(again);
    }

    private static IEnumerable<IReadOnlyList<Transaction>> Chunks(IReadOnlyList<Transaction> batch)
    {
        var chunk = new List<Transaction>();
        var bytes = 0;
        foreach (var tx in batch)
        {
            var size = tx.Body.Length + tx.Signature.Length + 16;
            if (chunk.Count > 0 && bytes + size > MaxBatchBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
            chunk.Add(tx);
            bytes += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }
}

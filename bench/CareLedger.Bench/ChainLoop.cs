using System.Diagnostics;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Bench;

/// <summary>
/// Closed-loop clients that each run pre-signed chains of dependent transactions, one step at a
/// time, each waiting for its commit. Only what completes inside the measured window counts.
/// </summary>
public static class ChainLoop
{
    public sealed record Figures(int Clients, double ChainsPerSecond, double StepsPerSecond, double ChainP50Ms, double ChainP99Ms, double StepP50Ms,
        double StepP99Ms, long Chains, long FailedSteps, string? FirstFailure, int ClientsRanOut);

    public static async Task<Figures> RunAsync(TransactionPool pool, Transaction[][][] plans, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var from = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var to = from + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tallies = await Task.WhenAll(plans.Select(plan => Task.Run(() => ClientAsync(pool, plan, from, to, ct), ct)));
        var chains = tallies.SelectMany(t => t.ChainMs).Order().ToArray();
        var steps = tallies.SelectMany(t => t.StepMs).Order().ToArray();
        return new Figures(plans.Length, chains.Length / duration.TotalSeconds, steps.Length / duration.TotalSeconds,
            Percentiles.OfSorted(chains, 0.5), Percentiles.OfSorted(chains, 0.99), Percentiles.OfSorted(steps, 0.5), Percentiles.OfSorted(steps, 0.99), chains.Length,
            tallies.Sum(t => t.Failed), tallies.Select(t => t.FirstFailure).FirstOrDefault(f => f is not null), tallies.Count(t => t.RanOut));
    }

    private sealed class Tally
    {
        public List<double> ChainMs { get; } = [];
        public List<double> StepMs { get; } = [];
        public long Failed { get; set; }
        public string? FirstFailure { get; set; }
        public bool RanOut { get; set; }
    }

    /// <summary>Runs chains until the window closes; a chain whose step fails is abandoned (its later steps would fail too).</summary>
    private static async Task<Tally> ClientAsync(TransactionPool pool, Transaction[][] chains, long from, long to, CancellationToken ct)
    {
        var tally = new Tally();
        foreach (var chain in chains)
        {
            var chainStart = Stopwatch.GetTimestamp();
            if (chainStart >= to) return tally;
            var completed = true;
            foreach (var tx in chain)
            {
                var sent = Stopwatch.GetTimestamp();
                var failure = await SendAsync(pool, tx, ct);
                var done = Stopwatch.GetTimestamp();
                if (done >= from && done < to) tally.StepMs.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                if (failure is null) continue;
                tally.Failed++;
                tally.FirstFailure ??= $"{tx.Contract}.{tx.Action}: {failure}";
                completed = false;
                break;
            }
            var end = Stopwatch.GetTimestamp();
            if (completed && end >= from && end < to) tally.ChainMs.Add(Stopwatch.GetElapsedTime(chainStart, end).TotalMilliseconds);
        }
        tally.RanOut = true;
        return tally;
    }

    /// <summary>Submits and waits for the commit; returns why the step failed, or null.</summary>
    private static async Task<string?> SendAsync(TransactionPool pool, Transaction tx, CancellationToken ct)
    {
        SubmitResult submitted;
        while ((submitted = pool.Submit(tx)).Status == SubmitStatus.Full) await Task.Delay(BackOff.Next(), ct);
        if (submitted.Status == SubmitStatus.Rejected) return $"rejected: {submitted.Reason}";
        var receipt = await pool.WaitForCommitAsync(tx.Id, ct);
        return receipt.Result.Valid ? null : receipt.Result.Reason;
    }
}

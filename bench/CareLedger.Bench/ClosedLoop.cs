using System.Diagnostics;

namespace CareLedger.Bench;

/// <summary>What became of one transaction a client sent.</summary>
public enum Delivery { Valid, Invalid, Rejected, Pending, Failed }

/// <summary>Sends client c's i-th pre-signed transaction and waits until it is committed or refused.</summary>
public interface ITransactionSender
{
    ValueTask<Delivery> SendAsync(int client, int index, CancellationToken ct);

    /// <summary>Submissions answered "pool full" (429 over HTTP) and retried after a short back-off.</summary>
    long Retries { get; }
}

/// <summary>
/// Closed-loop load: each client sends its next transaction only when the previous one is
/// committed, so at most one per client is in flight. Only completions inside the measured
/// window (after the warm-up) count towards throughput and latency.
/// </summary>
public static class ClosedLoop
{
    public static async Task<LoadFigures> RunAsync(string scenario, ITransactionSender sender, int clients, int perClient,
        TimeSpan warmup, TimeSpan duration, IBlockLog blocks, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var window = new Window(start + Ticks(warmup), start + Ticks(warmup + duration));
        var running = Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, sender, perClient, window, ct), ct)));
        await Task.Delay(warmup, ct);
        var (measuring, retries) = (ProcessUsage.Now(), sender.Retries);
        await Task.Delay(duration, ct);
        var (usage, retried) = (measuring.Until(ProcessUsage.Now()), sender.Retries - retries);
        var tallies = await running;
        return LoadFigures.From(scenario, tallies, duration, retried, await blocks.BetweenAsync(window.From, window.To, ct), usage);
    }

    private static async Task<ClientTally> ClientAsync(int client, ITransactionSender sender, int count, Window window, CancellationToken ct)
    {
        var tally = new ClientTally();
        for (var i = 0; i < count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= window.To) return tally;
            var delivery = await sender.SendAsync(client, i, ct);
            var done = Stopwatch.GetTimestamp();
            if (done >= window.From && done < window.To) tally.Add(delivery, Stopwatch.GetElapsedTime(sent, done));
        }
        tally.RanOut = true;
        return tally;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private readonly record struct Window(long From, long To);
}

/// <summary>One client's count of deliveries and commit latencies inside the measured window.</summary>
public sealed class ClientTally
{
    public List<double> LatenciesMs { get; } = [];
    public long[] Counts { get; } = new long[Enum.GetValues<Delivery>().Length];
    /// <summary>The client sent all its pre-signed transactions before the window closed.</summary>
    public bool RanOut { get; set; }

    public void Add(Delivery delivery, TimeSpan latency)
    {
        Counts[(int)delivery]++;
        if (delivery is Delivery.Valid or Delivery.Invalid) LatenciesMs.Add(latency.TotalMilliseconds);
    }
}

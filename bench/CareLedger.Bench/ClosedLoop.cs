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
    /// <param name="untilJitSettles">
    /// Warm up past <paramref name="warmup"/> until this process stops compiling (<see cref="JitSettling"/>): for load
    /// whose code under test, node and clients, runs in this process.
    /// </param>
    public static async Task<LoadFigures> RunAsync(string scenario, ITransactionSender sender, int clients, int perClient,
        TimeSpan warmup, TimeSpan duration, IBlockLog blocks, CancellationToken ct, bool untilJitSettles = false)
    {
        var window = new Window();
        var progress = new Progress(clients, perClient);
        var running = Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, sender, perClient, window, progress, ct), ct)));
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(warmup, ct);
        var settled = untilJitSettles && await JitSettling.WaitAsync(warmup, progress.UsedFraction, ct);
        var from = Stopwatch.GetTimestamp();
        window.Open(from, from + Ticks(duration));
        var (measuring, retries) = (ProcessUsage.Now(), sender.Retries);
        await Task.Delay(duration, ct);
        var (usage, retried) = (measuring.Until(ProcessUsage.Now()), sender.Retries - retries);
        var tallies = await running;
        return LoadFigures.From(scenario, tallies, duration, retried, await blocks.BetweenAsync(window.From, window.To, ct), usage) with
        {
            Warmup = Stopwatch.GetElapsedTime(started, from),
            JitSettled = settled,
        };
    }

    private static async Task<ClientTally> ClientAsync(int client, ITransactionSender sender, int count, Window window, Progress progress, CancellationToken ct)
    {
        var tally = new ClientTally();
        for (var i = 0; i < count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= window.To) return tally;
            var delivery = await sender.SendAsync(client, i, ct);
            var done = Stopwatch.GetTimestamp();
            progress.Sent(client, i + 1);
            if (done >= window.From && done < window.To) tally.Add(delivery, Stopwatch.GetElapsedTime(sent, done));
        }
        tally.RanOut = true;
        return tally;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The measured stretch, in <see cref="Stopwatch"/> ticks; it opens when the warm-up ends, which no one knows in advance.</summary>
    private sealed class Window
    {
        private long _from = long.MaxValue, _to = long.MaxValue;

        public long From => Volatile.Read(ref _from);
        public long To => Volatile.Read(ref _to);

        public void Open(long from, long to)
        {
            Volatile.Write(ref _to, to);
            Volatile.Write(ref _from, from);
        }
    }

    /// <summary>How far each client has got through its pre-signed transactions.</summary>
    private sealed class Progress(int clients, int perClient)
    {
        private readonly int[] _sent = new int[clients];

        public void Sent(int client, int count) => Volatile.Write(ref _sent[client], count);

        /// <summary>The share of its transactions that the client furthest along has sent.</summary>
        public double UsedFraction() => (double)_sent.Max() / perClient;
    }
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

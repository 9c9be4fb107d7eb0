namespace CareLedger.Bench;

/// <summary>A scenario's measured figures: committed throughput, commit latency (submit to acknowledgement) and what happened to every transaction.</summary>
public sealed record LoadFigures(
    string Scenario,
    double Tps,
    double P50Ms,
    double P99Ms,
    double MeanMs,
    long Valid,
    long Invalid,
    long Rejected,
    long Pending,
    long Failed,
    long Retries,
    int ClientsRanOut,
    BlockFigures Blocks,
    ProcessUsage Usage)
{
    /// <summary>How long the load ran before the measured window opened.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>The warm-up went on until this process stopped compiling (<see cref="JitSettling"/>), rather than hitting its limit.</summary>
    public bool JitSettled { get; init; }

    public long Committed => Valid + Invalid;
    public double CpuMicrosPerTx => Committed == 0 ? 0 : Usage.Cpu.TotalMicroseconds / Committed;
    public double AllocatedKBPerTx => Committed == 0 ? 0 : Usage.AllocatedBytes / 1024.0 / Committed;

    public static LoadFigures From(string scenario, IReadOnlyList<ClientTally> tallies, TimeSpan duration, long retries, BlockFigures blocks, ProcessUsage usage)
    {
        var latencies = tallies.SelectMany(t => t.LatenciesMs).Order().ToArray();
        long Count(Delivery d) => tallies.Sum(t => t.Counts[(int)d]);
        var committed = Count(Delivery.Valid) + Count(Delivery.Invalid);
        return new LoadFigures(scenario, committed / duration.TotalSeconds, Percentiles.OfSorted(latencies, 0.50), Percentiles.OfSorted(latencies, 0.99),
            latencies.Length == 0 ? 0 : latencies.Average(), Count(Delivery.Valid), Count(Delivery.Invalid), Count(Delivery.Rejected),
            Count(Delivery.Pending), Count(Delivery.Failed), retries, tallies.Count(t => t.RanOut), blocks, usage);
    }
}

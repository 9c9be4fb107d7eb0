using System.Diagnostics;

namespace CareLedger.Bench;

/// <summary>
/// Cores each process of the consortium kept busy during the measured window, the machine's total
/// (so other work on the machine shows), and how many transactions each node admitted from clients.
/// </summary>
public sealed record ConsortiumUsage(double[] NodeCores, double[] EtcdCores, double BenchCores, double MachineCores, long[] Accepted)
{
    private const string AcceptedMetric = "careledger_tx_accepted_total";

    /// <summary>Cores busy with processes that are not part of this bench.</summary>
    public double OtherCores => Math.Max(0, MachineCores - NodeCores.Sum() - EtcdCores.Sum() - BenchCores);

    /// <summary>Waits out the warm-up, then measures over <paramref name="duration"/>; start it with the load.</summary>
    public static async Task<ConsortiumUsage> MeasureAsync(ConsortiumCluster cluster, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var etcd = cluster.EtcdPids();
        await Task.Delay(warmup, ct);
        var before = await Mark.TakeAsync(cluster, etcd, ct);
        await Task.Delay(duration, ct);
        var after = await Mark.TakeAsync(cluster, etcd, ct);
        var wall = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp);
        double Cores(TimeSpan? from, TimeSpan? to) => from is { } f && to is { } t ? (t - f) / wall : double.NaN;
        return new ConsortiumUsage(
            before.Nodes.Zip(after.Nodes, Cores).ToArray(),
            before.Etcd.Zip(after.Etcd, Cores).ToArray(),
            (after.Bench - before.Bench) / wall,
            (after.Machine - before.Machine) / wall,
            before.Accepted.Zip(after.Accepted, (f, t) => t - f).ToArray());
    }

    private sealed record Mark(long Timestamp, TimeSpan?[] Nodes, TimeSpan?[] Etcd, TimeSpan Bench, TimeSpan Machine, long[] Accepted)
    {
        public static async Task<Mark> TakeAsync(ConsortiumCluster cluster, IReadOnlyList<int?> etcd, CancellationToken ct)
        {
            var nodes = Enumerable.Range(0, cluster.Count).ToArray();
            using var self = Process.GetCurrentProcess();
            var mark = new Mark(Stopwatch.GetTimestamp(), nodes.Select(i => ProcessCpu.Used(cluster.Pid(i))).ToArray(),
                etcd.Select(ProcessCpu.Used).ToArray(), self.TotalProcessorTime, ProcessCpu.Machine().Busy, []);
            return mark with { Accepted = await Task.WhenAll(nodes.Select(i => cluster.MetricAsync(i, AcceptedMetric, ct))) };
        }
    }
}

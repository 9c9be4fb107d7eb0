using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;

namespace CareLedger.Node.Chain;

/// <summary>
/// The node's counters and gauges, defined once and exposed twice: at /metrics in the Prometheus text format, and as
/// the instruments of the meter <see cref="MeterName"/> that OpenTelemetry exports over OTLP when configured
/// (<see cref="Hosting.NodeTelemetry"/>). Nothing here is about any person.
/// </summary>
public sealed class NodeMetrics : INodeStartup
{
    public const string MeterName = "CareLedger.Node";
    private readonly IReadOnlyList<Metric> _metrics;
    private long _accepted, _rejected, _full, _committedValid, _committedInvalid, _blocks;

    /// <summary>One counter or gauge; <see cref="Read"/> gives null while the value is unknown (then it is left out).</summary>
    private sealed record Metric(string Name, bool Counter, string Help, Func<long?> Read);

    public NodeMetrics(LedgerChain chain, TransactionPool pool, Disk.DiskSpace disk, ConsortiumOrderer? consortium = null, IMeterFactory? meters = null,
        Records.VaultCopies? copies = null)
    {
        List<Metric> metrics =
        [
            new("careledger_tx_accepted_total", true, "Transactions admitted to the pool.", () => Interlocked.Read(ref _accepted)),
            new("careledger_tx_rejected_total", true, "Transactions rejected before ordering.", () => Interlocked.Read(ref _rejected)),
            new("careledger_tx_pool_full_total", true, "Submissions refused because the pool was full.", () => Interlocked.Read(ref _full)),
            new("careledger_tx_committed_valid_total", true, "Committed transactions that took effect.", () => Interlocked.Read(ref _committedValid)),
            new("careledger_tx_committed_invalid_total", true, "Committed transactions recorded as invalid.", () => Interlocked.Read(ref _committedInvalid)),
            new("careledger_blocks_committed_total", true, "Blocks committed since start.", () => Interlocked.Read(ref _blocks)),
            new("careledger_chain_height", false, "Height of the latest durable block.", () => (long)chain.Head.Height),
            new("careledger_tx_pool_size", false, "Transactions waiting to be ordered.", () => pool.Count),
            // Alert on disk_full == 1: the node refuses new work (507) until space returns under its data folder (docs/operations.md).
            new("careledger_disk_full", false, "1 while the data disk is full and the node refuses new work.", () => disk.Full ? 1 : 0),
            new("careledger_disk_free_bytes", false, "Free bytes on the data folder's disk at the last check.", () => disk.FreeBytes < 0 ? null : disk.FreeBytes),
            new("careledger_disk_full_refusals_total", true, "Requests refused with 507 because the data disk was full.", () => disk.Refused),
        ];
        if (consortium is not null)
        {
            metrics.AddRange(
            [
                // Alert on halted == 1: the node refused a block or found its store damaged, and serves nothing until an operator acts.
                new("careledger_consortium_halted", false, "1 when this node has halted (see /v1/consortium/status for why).", () => consortium.HaltReason is null ? 0 : 1),
                new("careledger_consortium_leader", false, "1 when this node leads the consortium.", () => consortium.IsLeader ? 1 : 0),
                new("careledger_consortium_log_height", false, "Height of the last block seen in the consortium's log.", () => (long)consortium.LogHeight),
                new("careledger_consortium_final_height", false, "Highest block signed by a majority of validators.", () => (long)consortium.FinalHeight),
                // Alert when |clock skew| exceeds CareLedger:Consortium:MaxClockSkewMs (the node logs "ALERT: clock skew" too), or when refused blocks grow.
                new("careledger_clock_skew_ms", false, "This node's clock minus the median of the other nodes' clocks, in milliseconds.", () => consortium.Clock.Skew),
                new("careledger_blocks_refused_future_total", true, "Blocks not applied for being timed too far ahead of this node's clock.", () => consortium.BlocksAheadOfClock),
                new("careledger_consortium_waiting_for_clock", false, "1 while the next block waits for this node's clock to reach its time.", () => consortium.Waiting is null ? 0 : 1),
            ]);
        }
        if (copies is not null)
        {
            metrics.AddRange(
            [
                new("careledger_vault_copies_queued", false, "Record versions and grants' keys waiting to be copied from peers in the background.", () => copies.Queued),
                // Alert when it grows: the queue was full, so those items are fetched only when read (or queued again at the next start).
                new("careledger_vault_copies_refused_total", true, "Items not queued for a background copy because the queue was full.", () => copies.Refused),
            ]);
        }
        _metrics = metrics;
        if (meters?.Create(MeterName) is { } meter)
        {
            // OpenTelemetry's names: dots, without Prometheus's _total suffix (its own Prometheus export adds it back).
            foreach (var m in metrics)
            {
                var name = (m.Counter ? m.Name[..^"_total".Length] : m.Name).Replace('_', '.');
                IEnumerable<Measurement<long>> Observe() => m.Read() is { } value ? [new Measurement<long>(value)] : [];
                if (m.Counter) meter.CreateObservableCounter(name, Observe, description: m.Help);
                else meter.CreateObservableGauge(name, Observe, description: m.Help);
            }
        }
    }

    public void Accepted() => Interlocked.Increment(ref _accepted);
    public void Rejected() => Interlocked.Increment(ref _rejected);
    public void PoolFull() => Interlocked.Increment(ref _full);

    public void BeforeOrdering(LedgerChain chain) => chain.BlockCommitted += OnBlockCommitted;

    public void OnBlockCommitted(Block block)
    {
        var valid = block.Results.Count(r => r.Valid);
        Interlocked.Add(ref _committedValid, valid);
        Interlocked.Add(ref _committedInvalid, block.Results.Count - valid);
        Interlocked.Increment(ref _blocks);
    }

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var m in _metrics)
        {
            if (m.Read() is not { } value) continue;
            sb.Append("# HELP ").Append(m.Name).Append(' ').Append(m.Help).Append('\n');
            sb.Append("# TYPE ").Append(m.Name).Append(' ').Append(m.Counter ? "counter" : "gauge").Append('\n');
            sb.Append(m.Name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }
}

using System.Globalization;
using System.Text;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;

namespace CareLedger.Node.Chain;

/// <summary>Counters the node exposes at /metrics in the Prometheus text format.</summary>
public sealed class NodeMetrics(LedgerChain chain, TransactionPool pool, Disk.DiskSpace disk, ConsortiumOrderer? consortium = null) : INodeStartup
{
    private long _accepted, _rejected, _full, _committedValid, _committedInvalid, _blocks;

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
        void Metric(string name, string type, string help, long value)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            sb.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        Metric("careledger_tx_accepted_total", "counter", "Transactions admitted to the pool.", Interlocked.Read(ref _accepted));
        Metric("careledger_tx_rejected_total", "counter", "Transactions rejected before ordering.", Interlocked.Read(ref _rejected));
        Metric("careledger_tx_pool_full_total", "counter", "Submissions refused because the pool was full.", Interlocked.Read(ref _full));
        Metric("careledger_tx_committed_valid_total", "counter", "Committed transactions that took effect.", Interlocked.Read(ref _committedValid));
        Metric("careledger_tx_committed_invalid_total", "counter", "Committed transactions recorded as invalid.", Interlocked.Read(ref _committedInvalid));
        Metric("careledger_blocks_committed_total", "counter", "Blocks committed since start.", Interlocked.Read(ref _blocks));
        Metric("careledger_chain_height", "gauge", "Height of the latest durable block.", (long)chain.Head.Height);
        Metric("careledger_tx_pool_size", "gauge", "Transactions waiting to be ordered.", pool.Count);
        // Alert on disk_full == 1: the node refuses new work (507) until space returns under its data folder.
        Metric("careledger_disk_full", "gauge", "1 while the data disk is full and the node refuses new work.", disk.Full ? 1 : 0);
        Metric("careledger_disk_free_bytes", "gauge", "Free bytes on the data folder's disk at the last check.", disk.FreeBytes);
        Metric("careledger_disk_full_refusals_total", "counter", "Requests refused with 507 because the data disk was full.", disk.Refused);
        if (consortium is not null)
        {
            // Alert on halted == 1: the node refused a block or found its store damaged, and serves nothing until an operator acts.
            Metric("careledger_consortium_halted", "gauge", "1 when this node has halted (see /v1/consortium/status for why).", consortium.HaltReason is null ? 0 : 1);
            Metric("careledger_consortium_leader", "gauge", "1 when this node leads the consortium.", consortium.IsLeader ? 1 : 0);
            Metric("careledger_consortium_log_height", "gauge", "Height of the last block seen in the consortium's log.", (long)consortium.LogHeight);
            Metric("careledger_consortium_final_height", "gauge", "Highest block signed by a majority of validators.", (long)consortium.FinalHeight);
            // Alert when |clock skew| exceeds CareLedger:Consortium:MaxClockSkewMs (the node logs "ALERT: clock skew" too), or when refused blocks grow.
            if (consortium.Clock.Skew is { } skew)
                Metric("careledger_clock_skew_ms", "gauge", "This node's clock minus the median of the other nodes' clocks, in milliseconds.", skew);
            Metric("careledger_blocks_refused_future_total", "counter", "Blocks not applied for being timed too far ahead of this node's clock.", consortium.BlocksAheadOfClock);
            Metric("careledger_consortium_waiting_for_clock", "gauge", "1 while the next block waits for this node's clock to reach its time.", consortium.Waiting is null ? 0 : 1);
        }
        return sb.ToString();
    }
}

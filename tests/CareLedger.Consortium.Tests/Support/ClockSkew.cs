using System.Globalization;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Hosting;
using CareLedger.Testing;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>What the clock-skew tests do to and ask of a real consortium.</summary>
public static class ClockSkew
{
    /// <summary>Shifts node i's wall clock from its next start on (the test-only <see cref="ShiftedClock"/> setting).</summary>
    public static void ShiftClock(this ConsortiumCluster cluster, int node, TimeSpan offset) =>
        cluster.Nodes[node].Environment["CareLedger__Testing__ClockOffsetMs"] = ((long)offset.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Kills node i and starts it again with its clock <paramref name="offset"/> behind, then waits until it follows the
    /// leader again. Its start is not awaited: a node behind is never ready while a block waits for its clock.
    /// </summary>
    public static async Task RestartWithClockBehindAsync(this ConsortiumCluster cluster, int node, TimeSpan offset, TimeSpan timeout)
    {
        cluster.Nodes[node].Kill();
        cluster.ShiftClock(node, -offset);
        _ = cluster.StartNodeAsync(node).ContinueWith(static t => t.Exception, TaskScheduler.Default);
        await cluster.WaitUntilAsync(async () => (await cluster.TryStatusAsync(node))?.Role == "follower", timeout, $"node {node} to follow again");
    }

    /// <summary>
    /// A transfer of one token from a demo patient to a demo doctor, through node i, waiting for its block; it expires five
    /// minutes after <paramref name="clockOffset"/> from now, for a node whose clock is that far off (or it would refuse it as expired).
    /// </summary>
    public static async Task<SubmitOutcome> TransferAsync(this ConsortiumCluster cluster, int node, TimeSpan clockOffset = default)
    {
        var patient = cluster.Key("patient-jones");
        var expiry = DateTimeOffset.UtcNow.Add(clockOffset).AddMinutes(5).ToUnixTimeMilliseconds();
        var tx = Transaction.Create(patient, ConsortiumCluster.ChainId, await cluster.LastNonceAsync(patient.Account, default) + 1, expiry, "tokens", "transfer",
            ConsortiumCluster.Transfer(cluster.Key("dr-rivera").Account, 1));
        return await cluster.SubmitAsync(node, tx, waitSeconds: 15);
    }

    /// <summary>One value from node i's /metrics.</summary>
    public static async Task<long> MetricAsync(this ConsortiumCluster cluster, int node, string name)
    {
        var lines = (await cluster.Http(node).GetStringAsync("metrics")).Split('\n');
        return long.Parse(lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}

using CareLedger.Consortium.Tests.Support;
using CareLedger.Node.Hosting;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// One real node starts with its clock three weeks ahead (the test-only <see cref="ShiftedClock"/> setting): the chain's
/// time stays the honest nodes' and the chain stays usable (docs/adr/0012).
/// </summary>
public sealed class ClockAheadTests : ConsortiumTest
{
    private const int Skewed = 2;
    private static readonly TimeSpan Weeks = TimeSpan.FromDays(21);
    private static readonly int[] Honest = [0, 1];

    public ClockAheadTests(ITestOutputHelper output) : base(output) => Cluster.ShiftClock(Skewed, Weeks);

    [Fact]
    public async Task NodeWithItsClockWeeksAhead_LeadingAloneOrWithTheOthers_NeverSetsBlockTime_AndTheChainKeepsCommitting()
    {
        await Cluster.WaitUntilAsync(async () => (await Cluster.TryStatusAsync(Skewed))?.ClockSkewMs > (long)Weeks.TotalMilliseconds / 2,
            Patience, $"node {Skewed} to measure its clock against the others'");
        // Alone, it cannot tell that its clock is wrong: it leads, and must still not time blocks by its clock.
        foreach (var node in Honest) Cluster.Nodes[node].Kill();
        await Cluster.WaitForLeaderAsync(Patience, among: [Skewed]);
        var alone = await Cluster.TransferAsync(Skewed, clockOffset: Weeks);
        Assert.True(alone.Committed, $"through node {Skewed} alone: {alone.Status} {alone.Body}");
        await Task.WhenAll(Honest.Select(node => Cluster.StartNodeAsync(node)));
        var leader = await Cluster.WaitForLeaderAsync(Patience, among: Honest);

        foreach (var node in Honest)
        {
            var outcome = await Cluster.TransferAsync(node);
            Assert.True(outcome.Committed, $"through node {node}: {outcome.Status} {outcome.Body}");
        }
        var all = new[] { 0, 1, 2 };
        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        var latest = DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeMilliseconds();

        Assert.NotEqual("leader", (await Cluster.TryStatusAsync(Skewed))!.Role);
        await ChainAssert.SameChainAsync(Cluster, all);
        foreach (var node in all)
            Assert.All(Cluster.StoredBlocks(node), b => Assert.True(b.Header.Time <= latest, $"node {node}'s block {b.Height} is timed {b.Header.Time}, after {latest}"));
        Assert.All(all, node => Assert.Contains(alone.TxId, Cluster.StoredTransactionIds(node)));
        var status = await Cluster.TryStatusAsync(Skewed);
        Assert.Null(status!.Halted);
        Assert.Contains("ALERT: clock skew", Cluster.Nodes[Skewed].Output);
        Assert.InRange(await Cluster.MetricAsync(Skewed, "careledger_clock_skew_ms"), (long)Weeks.TotalMilliseconds - 5_000, (long)Weeks.TotalMilliseconds + 5_000);
        Assert.InRange((await Cluster.TryStatusAsync(0))!.ClockSkewMs!.Value, -5_000, 5_000);
        Log($"leader {leader}, head {head.Height}, node {Skewed}'s skew {status.ClockSkewMs} ms");
    }
}

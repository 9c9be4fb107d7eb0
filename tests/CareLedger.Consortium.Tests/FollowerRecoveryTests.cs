using CareLedger.Consortium.Tests.Support;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class FollowerRecoveryTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task Follower_KilledUnderLoadAndRestarted_CatchesUpToTheSameHead()
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(50, Patience);
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var follower = all.First(i => i != leader);

        Cluster.Nodes[follower].Kill();
        var down = (await Cluster.TryHeadAsync(leader))!.Value.Height;
        await load.WaitForMoreAsync(150, Patience);
        var grown = (await Cluster.TryHeadAsync(leader))!.Value.Height;
        Assert.True(grown > down + 10, $"the others went from height {down} only to {grown} while node {follower} was down");

        await Cluster.StartNodeAsync(follower);
        await load.WaitForMoreAsync(30, Patience);
        await load.StopAsync();

        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        Assert.Equal(head, await Cluster.TryHeadAsync(follower));
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        Log($"node {follower} killed at height {down}, the others reached {grown} without it, all agree at {head.Height}");
    }
}

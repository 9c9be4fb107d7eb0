using CareLedger.Consortium.Tests.Support;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>The etcd log keeps only a tail; a node that fell behind it catches up from its peers.</summary>
public sealed class LogTruncationTests : ConsortiumTest
{
    private const int Retain = 10;

    public LogTruncationTests(ITestOutputHelper output) : base(output)
    {
        foreach (var node in Cluster.Nodes) node.Environment["CareLedger__Consortium__LogRetainBlocks"] = Retain.ToString();
    }

    [Fact]
    public async Task Follower_DownWhileTheLogIsTruncatedPastIt_CatchesUpFromPeersToTheSameChain()
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(30, Patience);
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var follower = all.First(i => i != leader);

        Cluster.Nodes[follower].Kill();
        var down = (await Cluster.TryHeadAsync(leader))!.Value.Height;
        // The log drops blocks more than Retain behind the slowest *online* node: soon everything the follower lacks.
        await Cluster.WaitUntilAsync(async () => await FirstLogHeightAsync() > down + 1, Patience, $"the log to be truncated past block {down + 1}");
        var first = await FirstLogHeightAsync();
        Log($"node {follower} down at {down}; the log now starts at {first}");

        await Cluster.StartNodeAsync(follower);
        await load.WaitForMoreAsync(20, Patience);
        await load.StopAsync();

        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        Assert.True(head.Height > first);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        Assert.Contains("Catching up blocks", Cluster.Nodes[follower].Output);
    }

    /// <summary>The lowest block left in etcd, read as node 0 reads it.</summary>
    private async Task<ulong> FirstLogHeightAsync()
    {
        using var etcd = Cluster.EtcdAs(0);
        return await etcd.FirstHeightAsync(CancellationToken.None) ?? 0;
    }
}

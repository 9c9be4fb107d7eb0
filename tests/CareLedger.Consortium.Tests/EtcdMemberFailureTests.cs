using System.Diagnostics;
using CareLedger.Consortium.Tests.Support;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class EtcdMemberFailureTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    /// <summary>The leader's own etcd member freezes mid-append: the log may hold a block whose answer the leader never got.</summary>
    [Fact]
    public async Task LeadersOwnEtcdMember_PausedUnderLoad_OrderingResumesOnTheOtherMembers()
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(50, Patience);
        var leader = await Cluster.WaitForLeaderAsync(Patience);

        Cluster.Etcd.Pause(leader);
        var clock = Stopwatch.StartNew();
        await load.WaitForMoreAsync(30, TimeSpan.FromSeconds(20));
        Log($"etcd member of leader node {leader} paused; 30 more acknowledged after {clock.ElapsedMilliseconds} ms");
        Cluster.Etcd.Resume(leader);
        await load.WaitForMoreAsync(30, TimeSpan.FromSeconds(20));
        await load.StopAsync();

        await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
    }
}

using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class PartitionTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task MinorityIsolated_WritesThroughIt_AreNeverAcknowledgedAndNothingIsLostAfterHealing()
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(60, Patience);
        await load.StopAsync();
        await Cluster.WaitForSameHeadAsync(all, Patience);

        var patient = Cluster.Key("patient-jones");
        var doctor = Cluster.Key("dr-rivera").Account;
        var nonce = await Cluster.LastNonceAsync(patient.Account, default);

        // Node 0 and its etcd member stay; the other two organisations' machines freeze.
        foreach (var i in new[] { 1, 2 })
        {
            Cluster.Etcd.Pause(i);
            Cluster.Nodes[i].Pause();
        }
        var frozenAt = (await Cluster.TryHeadAsync(0))!.Value.Height;
        var isolated = new List<SubmitOutcome>();
        for (var k = 1; k <= 4; k++)
            isolated.Add(await Cluster.SubmitAsync(0, ConsortiumCluster.Sign(patient, nonce + (ulong)k, "tokens", "transfer", ConsortiumCluster.Transfer(doctor, 1)), waitSeconds: 2));
        var heightWhileIsolated = (await Cluster.TryHeadAsync(0))?.Height;

        foreach (var i in new[] { 1, 2 })
        {
            Cluster.Etcd.Resume(i);
            Cluster.Nodes[i].Resume();
        }
        Log("while isolated: " + string.Join("; ", isolated.Select(o => $"{o.Status} {o.Body[..Math.Min(120, o.Body.Length)]}")));
        Assert.All(isolated, o => Assert.False(o.Committed, $"node 0 acknowledged {o.TxId} while cut off from the majority: {o.Body}"));
        Assert.Equal(frozenAt, heightWhileIsolated);

        // What node 0 admitted while cut off stayed in its pool and is ordered once the majority is back.
        var admitted = isolated.Where(o => o.Status == 202).Select(o => o.TxId).ToList();
        await Cluster.WaitUntilAsync(() => Task.FromResult(admitted.All(Cluster.StoredTransactionIds(0).Contains)), Patience,
            "the transactions admitted while isolated to be committed");
        var after = StartLoad();
        await after.WaitForMoreAsync(60, Patience);
        await after.StopAsync();
        await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, after.Acknowledged, all);
        Assert.All(all, i => Assert.Superset(admitted.ToHashSet(), Cluster.StoredTransactionIds(i).ToHashSet()));
    }
}

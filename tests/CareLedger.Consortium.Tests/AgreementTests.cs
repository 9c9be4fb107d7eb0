using CareLedger.Client.Records;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Consortium.Tests.Support;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class AgreementTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task ThreeNodes_LoadThroughEveryNode_StoreTheSameBlocksAndFinaliseThem()
    {
        var load = StartLoad();
        await load.WaitForMoreAsync(150, Patience);
        await load.StopAsync();

        var all = new[] { 0, 1, 2 };
        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        Assert.Equal(all, load.Acknowledged.Values.Distinct().Order());
        await Cluster.WaitUntilAsync(async () =>
        {
            var statuses = await Task.WhenAll(all.Select(i => Cluster.TryStatusAsync(i)));
            return statuses.All(s => s is not null && s.FinalHeight == head.Height && s.Height == head.Height);
        }, TimeSpan.FromSeconds(15), $"every node's final height to reach the head {head.Height}");

        // A transaction a follower acknowledged: each node's proof of it must carry a quorum of the genesis validators.
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var txId = load.Acknowledged.First(a => a.Value != leader).Key;
        foreach (var node in all)
        {
            // Asked as an auditor, who may have any transaction's proof.
            using var response = await Cluster.Http(node).SendAsync(await SignedHttp.Get(Cluster.Key("health-auditor"), Cluster.Audience(node), $"v1/proofs/{txId}"));
            var dto = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ProofDto>();
            var verdict = WireFormat.FromDto(dto!).Verify(Cluster.Validators, quorum: 2);
            Assert.True(verdict.Valid, $"node {node}'s proof of {txId}: {verdict.Reason}");
            Assert.True(verdict.Signers.Count >= 2, $"node {node}'s proof has {verdict.Signers.Count} validator signatures");
            Assert.Equal(txId, verdict.TxId.ToString());
        }
        Log($"head {head.Height}, {load.AcknowledgedCount} acknowledged; {load.Outcomes}");
    }
}

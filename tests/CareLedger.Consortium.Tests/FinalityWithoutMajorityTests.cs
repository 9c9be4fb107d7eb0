using CareLedger.Client.Records;
using System.Net;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>A proof asked for with final=true is refused while too few validators are up to sign the block, although it committed.</summary>
public sealed class FinalityWithoutMajorityTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task FinalProof_WithTwoOfThreeNodesDown_IsRefusedAlthoughTheBlockCommitted()
    {
        // etcd keeps its majority, so the surviving node still commits; but one signature is not a majority.
        var survivor = await Cluster.WaitForLeaderAsync(Patience);
        foreach (var i in new[] { 0, 1, 2 }.Where(i => i != survivor)) Cluster.Nodes[i].Kill();
        var patient = Cluster.Key("patient-jones");
        var tx = ConsortiumCluster.Sign(patient, await Cluster.LastNonceAsync(patient.Account, default) + 1, "tokens", "transfer",
            ConsortiumCluster.Transfer(Cluster.Key("dr-rivera").Account, 1));
        var outcome = await Cluster.SubmitAsync(survivor, tx, waitSeconds: 15);
        Assert.True(outcome.Committed, $"{outcome.Status} {outcome.Body}");

        using var response = await Cluster.Http(survivor).SendAsync(await SignedHttp.Get(patient, Cluster.Audience(survivor), $"v1/proofs/{tx.Id}?final=true&timeoutSeconds=2"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Not final yet", body);
        using var plainResponse = await Cluster.Http(survivor).SendAsync(await SignedHttp.Get(patient, Cluster.Audience(survivor), $"v1/proofs/{tx.Id}"));
        var plain = await plainResponse.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ProofDto>();
        Assert.False(WireFormat.FromDto(plain!).Verify(Cluster.Validators, quorum: 2).Valid);
    }
}

using CareLedger.Client.Records;
using System.Net;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>A receipt is final when a majority of validators signed its block; a proof asked for with final=true waits for that.</summary>
public sealed class FinalityTests(SharedConsortium shared, ITestOutputHelper output) : SharedConsortiumTest(shared, output)
{
    [Fact]
    public async Task FinalProof_AskedOfTheLeaderRightAfterCommit_WaitsForAMajorityOfSignatures()
    {
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var follower = new[] { 0, 1, 2 }.First(i => i != leader);
        var patient = Cluster.Key("patient-jones");
        var tx = ConsortiumCluster.Sign(patient, await Cluster.LastNonceAsync(patient.Account, default) + 1, "tokens", "transfer",
            ConsortiumCluster.Transfer(Cluster.Key("dr-rivera").Account, 1));
        var outcome = await Cluster.SubmitAsync(follower, tx);
        Assert.True(outcome.Committed, $"{outcome.Status} {outcome.Body}");

        // The leader stored the block with its own signature only; the others' arrive through the log.
        // A proof is its sender's to fetch.
        using var asked = await Cluster.Http(leader).SendAsync(await SignedHttp.Get(patient, Cluster.Audience(leader), $"v1/proofs/{tx.Id}?final=true&timeoutSeconds=15"));
        var dto = await asked.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ProofDto>();

        var verdict = WireFormat.FromDto(dto!).Verify(Cluster.Validators, quorum: 2);
        Assert.True(verdict.Valid, verdict.Reason);
        Assert.True(verdict.Signers.Count >= 2);
    }
}

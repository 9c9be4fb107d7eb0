using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// Read-your-writes across organisations' nodes (ADR 0022, <c>LogCatchUp</c>): a doctor reads at a node that has not yet
/// applied the patient's grant, acknowledged a moment ago at another node. The node asks the consortium's log how far it
/// goes and applies up to there before it decides, so the doctor gets the record instead of a refusal, and the patient
/// asking there for a version just written gets it instead of a 404. To hold the node
/// behind for certain, it runs with its clock seconds behind the others' (the test-only clock shift): it applies each
/// block only once its own clock nearly reaches the block's time.
/// </summary>
public sealed class ReadAtALaggingNodeTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private const int Lagging = 2;

    /// <summary>How late the lagging node applies each block: its clock's shift less the skew it allows (a second).</summary>
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(6);

    protected override void BeforeStart(ConsortiumCluster cluster)
    {
        cluster.Nodes[Lagging].Environment["CareLedger__Consortium__MaxClockSkewMs"] = "1000";
        cluster.Nodes[Lagging].Environment["CareLedger__Consortium__ReadCatchUpMs"] = "30000";
    }

    [Fact]
    public async Task ReadsAtANodeStillBehindAGrantAndAVersion_GetTheRecord_OnceTheNodeHasAppliedTheLog()
    {
        var (patient, doctor) = await Cluster.DemoPeopleAsync();
        await Cluster.RestartWithClockBehindAsync(Lagging, Lag + TimeSpan.FromSeconds(1), Patience);

        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var added = await atClinic.AddAsync(patient, patient.Account, ConsortiumRecords.Observation);
        await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        var granted = (await Cluster.TryHeadAsync(0))!.Value.Height;
        var behind = (await Cluster.TryHeadAsync(Lagging))!.Value.Height;
        Assert.True(behind < granted, $"node {Lagging} is at {behind}, already past the grant's block {granted}: nothing to wait for");

        var (_, json) = await new RecordsClient(Cluster.Nodes[Lagging].Client).ReadAsync(doctor, added.Record);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ConsortiumRecords.Observation), JsonNode.Parse(json)), json);
        Assert.True((await Cluster.TryHeadAsync(Lagging))!.Value.Height >= granted);
        Log($"read at node {Lagging}, which was at height {behind} when the grant's block {granted} was acknowledged at node 0");

        // A new version, asked for by number at the same node at once: the node waits for it too, rather than answer 404.
        var updated = ConsortiumRecords.Observation.Replace("\"value\":71", "\"value\":74", StringComparison.Ordinal);
        await atClinic.UpdateAsync(patient, added.Record, updated);
        var (second, secondJson) = await new RecordsClient(Cluster.Nodes[Lagging].Client).ReadAsync(patient, added.Record, version: 2);
        Assert.Equal(2, second.Version);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(updated), JsonNode.Parse(secondJson)), secondJson);
    }
}

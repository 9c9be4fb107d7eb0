using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Consortium.Tests.Support;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>Records at every organisation (ADR 0022) when a node was down: once back, it copies and shreds what it missed.</summary>
public sealed class RecordCatchUpTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private const string Observation = ConsortiumRecords.Observation;

    [Fact]
    public async Task NodeThatWasDown_CopiesWhatWasWrittenMeanwhile_AndShredsWhatWasErasedMeanwhile()
    {
        var (patient, doctor) = await Cluster.DemoPeopleAsync();
        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var erased = await atClinic.AddAsync(patient, patient.Account, Observation);
        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(Cluster.Vault(2).BlobPath(erased.Record, erased.ContentHash))), Patience, "node 2 to copy the first record");

        Cluster.Nodes[2].Kill();
        var written = await atClinic.AddAsync(patient, patient.Account, Observation);
        var grant = await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [written.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        await atClinic.EraseAsync(patient, erased.Record);
        await Cluster.StartNodeAsync(2);

        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(Cluster.Vault(2).BlobPath(written.Record, written.ContentHash)) && File.Exists(Cluster.Vault(2).KeyPath(written.Record, doctor.Account))),
            Patience, "node 2 to copy, once back, what was written while it was down");
        Assert.Empty(Cluster.Vault(2).HeldOf(erased.Record, grant: "none"));
        var (_, json) = await new RecordsClient(Cluster.Nodes[2].Client).ReadAsync(doctor, written.Record);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)));
    }
}

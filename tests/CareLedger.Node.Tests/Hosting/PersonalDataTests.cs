using System.Text;
using CareLedger.Client.Records;
using CareLedger.Contracts.Membership;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Hosting;

/// <summary>
/// Nothing that names a patient is in clear on the immutable ledger (ADR 0011): the demo patient's name is in no block
/// and no state entry, only in their own encrypted Patient record, which they can read and erase.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class PersonalDataTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task DemoPatientsName_IsInNoBlockAndNoStateEntry_OnlyInTheirEncryptedPatientRecord()
    {
        var store = demo.Node.Store;
        var name = Encoding.UTF8.GetBytes("Jones");
        var blocks = new List<ulong>();
        await foreach (var block in store.ReadBlocksAsync(0, store.Head!.Height, default))
            if (Contains(block.Header, name) || Contains(block.Body, name)) blocks.Add(block.Height);
        var entries = store.Scan("").Where(e => Contains(e.Value, name) || e.Key.Contains("Jones", StringComparison.Ordinal)).Select(e => e.Key).ToList();

        var patient = demo.Keys["patient-jones"];
        var records = new RecordsClient(demo.Client);
        var own = (await records.ListAsync(patient, patient.Account)).Single(r => r.Type == "Patient");
        var (_, json) = await records.ReadAsync(patient, own.Record);

        Assert.Empty(blocks);
        Assert.Empty(entries);
        Assert.Equal("", demo.Node.Service<Chain.LedgerReader>().FindMember(patient.Account)!.Name);
        Assert.Contains("\"family\":\"Jones\"", json);
        Assert.Contains("Sam", json);
        Assert.Equal(Roles.Patient, demo.Node.Service<Chain.LedgerReader>().FindMember(patient.Account)!.Role);
    }

    private static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;
}

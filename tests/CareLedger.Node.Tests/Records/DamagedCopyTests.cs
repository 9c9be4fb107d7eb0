using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Records;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Records;

/// <summary>
/// A solo node whose stored ciphertext was damaged on disk has no peer to take a good copy from: a read answers a 500
/// saying so (never the damaged bytes), logs it once, and keeps the file for the operator. A consortium node replaces it
/// from a peer instead (RecordReplicationTests).
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class DamagedCopyTests(DemoNodeFixture demo)
{
    private const string Allergy = """{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/jones"},"code":{"text":"bee stings"}}""";

    [Fact]
    public async Task Read_OfACiphertextDamagedOnDisk_Is500SayingTheStoredCopyIsDamaged_LoggedOnce_AndTheFileIsKept()
    {
        var patient = demo.Keys["patient-jones"];
        var records = new RecordsClient(demo.Client);
        var added = await records.AddAsync(patient, patient.Account, Allergy);
        var blob = Path.Combine(demo.Node.DataDir, "vault", "blobs", added.Record, added.ContentHash);
        var intact = await File.ReadAllBytesAsync(blob);
        var bytes = (byte[])intact.Clone();
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(blob, bytes);

        var first = await Assert.ThrowsAsync<NodeApiException>(() => records.ReadAsync(patient, added.Record));
        var second = await Assert.ThrowsAsync<NodeApiException>(() => records.ReadAsync(patient, added.Record));
        var kept = await File.ReadAllBytesAsync(blob);
        // Repaired, for the tests after this one that read the demo patient's records.
        await File.WriteAllBytesAsync(blob, intact);

        foreach (var refused in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.Status);
            Assert.Equal(RecordReader.DamagedCopy, refused.Title);
            Assert.Contains($"record {added.Record} version 1", refused.Detail);
        }
        Assert.Single(demo.Node.Logs.Entries, e => e.Message.Contains($"ALERT: record {added.Record}", StringComparison.Ordinal));
        Assert.Equal(bytes, kept);
        Assert.NotEqual(added.ContentHash, Hash256.Of(bytes).ToString());
    }
}

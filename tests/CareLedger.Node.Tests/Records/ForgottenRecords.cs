using CareLedger.Client.Records;
using CareLedger.Node.Records;
using CareLedger.Node.Tests.Support;
using CareLedger.Vault.Records;

namespace CareLedger.Node.Tests.Records;

/// <summary>Records of the demo patient whose vault files the demo node then deletes: it lacks them, as a peer would (ADR 0022).</summary>
internal static class ForgottenRecords
{
    /// <summary>Adds the record and takes the copy the node serves of it, then deletes the vault's files of it.</summary>
    public static async Task<(string Record, RecordContentUpload Copy)> AddAndForgetAsync(this DemoNodeFixture demo, string json)
    {
        var patient = demo.Keys["patient-jones"];
        var record = (await new RecordsClient(demo.Client).AddAsync(patient, patient.Account, json)).Record;
        var copy = demo.Node.Service<RecordContent>().ServeVersion(record, 1).Value
            ?? throw new InvalidOperationException("the node serves no copy of the record it just stored");
        foreach (var folder in demo.VaultFolders(record).Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        return (record, copy);
    }

    /// <summary>The vault folders of a record's ciphertexts, wrapped keys and key sets.</summary>
    public static IEnumerable<string> VaultFolders(this DemoNodeFixture demo, string record) =>
        new[] { "blobs", "keys", "keysets" }.Select(f => Path.Combine(demo.Node.DataDir, "vault", f, record));
}

using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>Where node i's vault keeps a record's files (docs/adr/0022), for tests that check copies and shredding on disk.</summary>
public sealed class NodeVault(string dataDir)
{
    public string Root { get; } = Path.Combine(dataDir, "vault");

    public string BlobPath(string record, string contentHash) => Path.Combine(Root, "blobs", record, contentHash);

    public string KeyPath(string record, AccountId reader) => Path.Combine(Root, "keys", record, reader.ToString());

    public string GrantKeySetPath(AccountId patient, string grant) => Path.Combine(Root, "grantkeysets", patient.ToString(), grant);

    /// <summary>Every file the vault holds about the record: ciphertexts, wrapped keys, key sets, notes, and the grant's key set.</summary>
    /// <remarks>The node may be shredding while this looks, so a folder that vanishes mid-walk counts as empty.</remarks>
    public List<string> HeldOf(string record, string grant)
    {
        var held = new[] { "blobs", "keys", "keysets", "notes" }.SelectMany(f => FilesUnder(Path.Combine(Root, f, record), "*")).ToList();
        held.AddRange(FilesUnder(Path.Combine(Root, "grantkeysets"), grant));
        return held;
    }

    private static List<string> FilesUnder(string folder, string pattern)
    {
        try
        {
            // A vanished sub-folder is skipped by the walk itself; only the folder it starts from throws.
            return Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}

/// <summary>What record tests read of a consortium's nodes: their vaults, their keys, and the demo people once they can hold records.</summary>
public static class ConsortiumRecords
{
    /// <summary>A heart rate of the demo patient, as the record tests write it.</summary>
    public const string Observation = """
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/jones"},"effectiveDateTime":"2026-12-06","valueQuantity":{"value":71,"unit":"/min"}}
        """;

    public static NodeVault Vault(this ConsortiumCluster cluster, int i) => new(cluster.Nodes[i].DataDir);

    /// <summary>Node i's validator key, as it signs requests to the other nodes.</summary>
    public static SigningKey NodeKey(this ConsortiumCluster cluster, int i) =>
        new KeyStore(Path.Combine(cluster.Nodes[i].DataDir, "node")).Load("validator", ConsortiumCluster.NodePassphrase);

    /// <summary>The demo patient and doctor, once the demo seed published their keys and the clinic's node published its own (it holds the emergency copy).</summary>
    public static async Task<(SigningKey Patient, SigningKey Doctor)> DemoPeopleAsync(this ConsortiumCluster cluster)
    {
        var patient = cluster.Key("patient-jones");
        var doctor = cluster.Key("dr-rivera");
        var client = cluster.Nodes[0].Client;
        await cluster.WaitUntilAsync(async () =>
                await client.GetStateAsync(PublishedKey.Key(patient.Account)) is not null && await client.GetStateAsync(PublishedKey.Key(doctor.Account)) is not null
                && await client.GetStateAsync(PublishedKey.Key(AccountId.Parse(cluster.ValidatorOf[0]))) is not null,
            TimeSpan.FromSeconds(60), "the demo's keys to be published");
        return (patient, doctor);
    }
}

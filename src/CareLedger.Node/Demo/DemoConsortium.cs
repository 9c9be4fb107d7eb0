using System.Text.Json.Nodes;
using CareLedger.Ledger.Cryptography;
using CareLedger.Contracts.Membership;

namespace CareLedger.Node.Demo;

/// <summary>
/// The demo consortium a newcomer can click through: one organisation of each kind, an admin
/// key for each (the platform operator's collects a fee on every consultation paid), a licensed
/// doctor, a pharmacist and a patient. Their keys go into a keystore in the data folder,
/// protected by the published passphrase "demo": demo keys only.
/// </summary>
public static class DemoConsortium
{
    public const string ChainId = "careledger-demo";
    public const string Passphrase = "demo";
    public const string KeyFolderName = "demo-keys";
    public const string Asset = "CARE";
    public const string Operator = "platform";
    public const long PlatformFeeBps = 500;
    /// <summary>Demo keys are protected by a published passphrase, so a costly KDF would buy nothing but a slow first start.</summary>
    private const int DemoKdfIterations = 20_000;

    public sealed record Participant(string KeyName, string Organisation, string Role, string Name);

    public static readonly IReadOnlyList<(string Id, string Name, string Kind)> Organisations =
    [
        ("medical-board", "National Medical Board", OrganisationKinds.LicensingAuthority),
        ("city-clinic", "City Clinic", OrganisationKinds.Clinic),
        ("corner-pharmacy", "Corner Pharmacy", OrganisationKinds.Pharmacy),
        ("central-lab", "Central Laboratory", OrganisationKinds.Laboratory),
        ("care-insurance", "Care Insurance", OrganisationKinds.Insurer),
        ("public-health", "Public Health Agency", OrganisationKinds.PublicHealth),
        (Operator, "CareLedger Platform", OrganisationKinds.Operator),
    ];

    public static readonly IReadOnlyList<Participant> Participants =
    [
        new("board-admin", "medical-board", Roles.Admin, "Board registrar"),
        new("clinic-admin", "city-clinic", Roles.Admin, "Clinic administrator"),
        new("pharmacy-admin", "corner-pharmacy", Roles.Admin, "Pharmacy manager"),
        new("lab-admin", "central-lab", Roles.Admin, "Laboratory manager"),
        new("insurer-admin", "care-insurance", Roles.Admin, "Insurer administrator"),
        new("health-admin", "public-health", Roles.Admin, "Agency administrator"),
        new("platform-admin", Operator, Roles.Admin, "Platform operator"),
        new("dr-rivera", "city-clinic", Roles.Practitioner, "Dr. Ana Rivera"),
        new("pharmacist-chen", "corner-pharmacy", Roles.Pharmacist, "Li Chen"),
        new("patient-jones", "city-clinic", Roles.Patient, "Sam Jones"),
        new("health-auditor", "public-health", Roles.Auditor, "Agency auditor"),
    ];

    /// <summary>Organisations whose nodes validate a demo consortium, in order: node 1 is the clinic's.</summary>
    public static readonly IReadOnlyList<string> NodeOrganisations = ["city-clinic", "corner-pharmacy", "central-lab", "care-insurance", "public-health", "medical-board", Operator];

    /// <summary>Creates the demo keystore and genesis file in <paramref name="dataDir"/>; both appear whole or not at all.</summary>
    public static void Create(string dataDir, byte[] validatorKey, long genesisTime, string genesisPath) =>
        Create(dataDir, [validatorKey], genesisTime, genesisPath);

    /// <summary>
    /// A demo consortium of <paramref name="nodeDirs"/>.Count nodes, one per organisation: creates
    /// each node's validator key (under <paramref name="nodePassphrase"/>), the demo keys in the
    /// first node's folder, and the same genesis.json in every folder. Returns the genesis path of node 1.
    /// </summary>
    public static string CreateConsortium(IReadOnlyList<string> nodeDirs, string nodePassphrase, long genesisTime)
    {
        if (nodeDirs.Count is < 1 or > 7) throw new ArgumentOutOfRangeException(nameof(nodeDirs), "a demo consortium has 1 to 7 nodes");
        var keys = new List<byte[]>();
        foreach (var dir in nodeDirs)
        {
            var store = new KeyStore(Path.Combine(dir, "node"));
            if (store.List().Any(k => k.Name == "validator")) throw new InvalidOperationException($"{dir} already holds a node key; choose an empty folder");
            keys.Add(store.Create("validator", nodePassphrase).PublicKey);
        }
        var genesisPath = Path.Combine(nodeDirs[0], "genesis.json");
        Create(nodeDirs[0], keys, genesisTime, genesisPath);
        foreach (var dir in nodeDirs.Skip(1)) File.Copy(genesisPath, Path.Combine(dir, "genesis.json"));
        return genesisPath;
    }

    private static void Create(string dataDir, IReadOnlyList<byte[]> validatorKeys, long genesisTime, string genesisPath)
    {
        var keyFolder = Path.Combine(dataDir, KeyFolderName);
        var staging = keyFolder + ".partial";
        if (System.IO.Directory.Exists(staging)) System.IO.Directory.Delete(staging, recursive: true);
        var store = new KeyStore(staging, DemoKdfIterations);

        var members = new JsonArray();
        foreach (var p in Participants)
        {
            var key = store.Create(p.KeyName, Passphrase);
            var member = new JsonObject { ["account"] = key.Account.ToString(), ["org"] = p.Organisation, ["role"] = p.Role };
            // Staff are named on the ledger; a patient is not (their name is in their own encrypted Patient record, see DemoSeed).
            if (p.Role != Roles.Patient) member["name"] = p.Name;
            members.Add(member);
        }
        // Each validator node is a service member of its organisation: it signs access-log entries.
        for (var i = 0; i < validatorKeys.Count; i++)
        {
            var org = Organisations.First(o => o.Id == NodeOrganisations[i]);
            members.Add(new JsonObject
            {
                ["account"] = AccountId.FromPublicKey(validatorKeys[i]).ToString(), ["org"] = org.Id, ["role"] = Roles.Service, ["name"] = $"{org.Name} node",
            });
        }
        var genesis = new JsonObject
        {
            ["chainId"] = ChainId,
            ["time"] = genesisTime,
            ["demo"] = true,
            ["validators"] = new JsonArray(validatorKeys.Select(k => (JsonNode)Convert.ToBase64String(k)).ToArray()),
            ["organisations"] = new JsonArray(Organisations.Select(o => (JsonNode)new JsonObject { ["id"] = o.Id, ["name"] = o.Name, ["kind"] = o.Kind }).ToArray()),
            ["members"] = members,
            ["assets"] = new JsonArray(new JsonObject { ["symbol"] = Asset, ["name"] = "CareLedger credit", ["issuer"] = "care-insurance" }),
            // The platform takes 5% of every consultation paid; the medical board arbitrates disputes.
            ["services"] = new JsonObject
            {
                ["platformFeeBps"] = PlatformFeeBps, ["operator"] = Operator, ["arbitrator"] = "medical-board",
                ["freeCancellationHours"] = 24, ["lateRefundPercent"] = 50, ["acknowledgementHours"] = 72, ["noShowGraceMinutes"] = 15,
            },
        };
        if (System.IO.Directory.Exists(keyFolder)) System.IO.Directory.Delete(keyFolder, recursive: true);
        System.IO.Directory.Move(staging, keyFolder);
        Chain.GenesisFile.Save(genesisPath, genesis);
    }

    public static SigningKey LoadKey(string dataDir, string name) =>
        new KeyStore(Path.Combine(dataDir, KeyFolderName)).Load(name, Passphrase);
}

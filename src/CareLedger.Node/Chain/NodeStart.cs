using CareLedger.Ledger.Storage;

namespace CareLedger.Node.Chain;

/// <summary>
/// How this node starts, decided once from its settings and data folder before its services are
/// put together: where its data lives, whether it is one of a consortium, and whether it is a demo
/// (its genesis document says so, or it has none yet and creates the demo consortium on first start).
/// Only a demo start registers the demo's services.
/// </summary>
public sealed record NodeStart(string DataDir, string GenesisPath, bool Consortium, bool Demo, bool Resync = false, string? Store = null)
{
    public const string GenesisFileName = "genesis.json";

    /// <param name="consortium">Whether the node orders through a consortium's log (it was given etcd endpoints).</param>
    /// <param name="resync">The operator asked to rebuild the ledger from the consortium's log.</param>
    public static NodeStart Resolve(NodeOptions node, bool consortium, bool resync)
    {
        var dataDir = Path.GetFullPath(node.DataDir);
        var given = !string.IsNullOrEmpty(node.GenesisFile);
        var genesisPath = given ? Path.GetFullPath(node.GenesisFile!) : Path.Combine(dataDir, GenesisFileName);
        var demo = File.Exists(genesisPath) ? GenesisFile.IsDemo(genesisPath) : !given && !consortium;
        return new NodeStart(dataDir, genesisPath, consortium, demo, resync, string.IsNullOrWhiteSpace(node.Store) ? null : node.Store);
    }

    /// <summary>The ledger is in PostgreSQL (<see cref="Store"/>), not in the data folder.</summary>
    public bool OnPostgres => Store is not null;

    public string LedgerPath => Path.Combine(DataDir, SqliteLedgerStore.FileName);
    public string VaultPath => Path.Combine(DataDir, "vault");
}

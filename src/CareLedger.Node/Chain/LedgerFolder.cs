using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Storage;

namespace CareLedger.Node.Chain;

/// <summary>Opening the node's ledger store and finding its genesis document, with errors that tell an operator what to do.</summary>
public static class LedgerFolder
{
    public static async Task<ILedgerStore> OpenAsync(NodeStart start, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        Directory.CreateDirectory(start.DataDir);
        if (start.OnPostgres) return await OpenPostgresAsync(start, log, ct);
        if (start.Resync) MoveAside(start, clock, log);
        try { return await SqliteLedgerStore.OpenAsync(start.LedgerPath, ct); }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new InvalidOperationException($"the ledger store in {start.DataDir} cannot be opened ({e.Message}); " +
                (start.Consortium ? "start the node with --resync to rebuild it from the consortium" : "restore it from a backup"), e);
        }
    }

    /// <summary>The ledger in PostgreSQL: an unreachable server or a bad connection string is one sentence for the operator.</summary>
    private static async Task<ILedgerStore> OpenPostgresAsync(NodeStart start, ILogger log, CancellationToken ct)
    {
        string where;
        try { where = PostgresLedgerStore.Describe(start.Store!); }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"CareLedger:Store is not a PostgreSQL connection string ({e.Message}); give Host=…;Port=…;Database=…;Username=…", e);
        }
        try
        {
            if (start.Resync && !await PostgresLedgerStore.IsEmptyAsync(start.Store!, ct))
                throw new InvalidOperationException($"--resync rebuilds the ledger from the consortium's log into an empty database, and the {where} holds a ledger: " +
                    "create a new database for CareLedger:Store (the old one is kept as it is)");
            var store = await PostgresLedgerStore.OpenAsync(start.Store!, ct);
            log.LogInformation("Ledger store: {Store}", where);
            return store;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"the ledger store, the {where}, cannot be reached or refused the connection ({e.Message})", e);
        }
    }

    /// <summary>
    /// The chain's genesis: block 0's when the store has one, else the genesis file. A demo start
    /// without one creates the demo consortium first (<paramref name="createDemo"/>).
    /// </summary>
    public static async Task<GenesisDocument> GenesisAsync(NodeStart start, ILedgerStore store, LedgerServices.CreateGenesis? createDemo, CancellationToken ct)
    {
        if ((await store.GetBlockAsync(0, ct))?.Genesis is { } stored) return GenesisDocument.Decode(stored);
        if (!File.Exists(start.GenesisPath))
        {
            if (createDemo is null)
                throw new InvalidOperationException($"a consortium node needs the consortium's genesis document: pass --genesis <file> or put {NodeStart.GenesisFileName} in {start.DataDir}");
            createDemo(start.GenesisPath);
        }
        return GenesisFile.Load(start.GenesisPath);
    }

    /// <summary>The operator asked to rebuild: the old ledger files go to a dated folder (never deleted), a fresh one replays the consortium's log.</summary>
    private static void MoveAside(NodeStart start, TimeProvider clock, ILogger log)
    {
        var aside = Path.Combine(start.DataDir, $"ledger-aside-{clock.GetUtcNow():yyyyMMdd-HHmmss-fff}");
        foreach (var file in Directory.GetFiles(start.DataDir, SqliteLedgerStore.FileName + "*"))
        {
            Directory.CreateDirectory(aside);
            File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
        }
        log.LogWarning("Resync: the old ledger was moved to {Folder}; rebuilding from the consortium's log", aside);
    }
}

using Spectre.Console.Cli;

namespace CareLedger.Cli.Store;

/// <summary>The store commands: moving a node's ledger between stores, backing a node up and restoring it.</summary>
public static class StoreCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("store", store =>
        {
            store.SetDescription("Move a node's ledger between stores; back a node up and restore it");
            store.AddCommand<StoreMigrateCommand>("migrate")
                .WithDescription("Copy a stopped node's SQLite ledger into an empty PostgreSQL database, then verify heads, state roots and the state table")
                .WithExample("store", "migrate", "--from", "./data", "--to", "Host=db.example;Port=5432;Database=careledger;Username=careledger");
            store.AddCommand<StoreBackupCommand>("backup")
                .WithDescription("Copy a node's data folder (ledger snapshot, vault, encrypted keys) with a manifest of hashes; the node may keep running")
                .WithExample("store", "backup", "--data", "./data", "--to", "/backups/node-2026-12-06.tar");
            store.AddCommand<StoreRestoreCommand>("restore")
                .WithDescription("Check a backup against its manifest and restore it into a new data folder")
                .WithExample("store", "restore", "--from", "/backups/node-2026-12-06.tar", "--data", "./data-restored");
        });
}

using Spectre.Console.Cli;

namespace CareLedger.Cli.Store;

/// <summary>The store commands: moving a node's ledger between stores.</summary>
public static class StoreCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("store", store =>
        {
            store.SetDescription("Move a node's ledger between stores");
            store.AddCommand<StoreMigrateCommand>("migrate")
                .WithDescription("Copy a stopped node's SQLite ledger into an empty PostgreSQL database, then verify heads, state roots and the state table")
                .WithExample("store", "migrate", "--from", "./data", "--to", "Host=db.example;Port=5432;Database=careledger;Username=careledger");
        });
}

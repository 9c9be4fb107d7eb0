using CareLedger.Cli.Tests.Support;
using CareLedger.Ledger.Storage;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary><c>careledger store migrate</c>: a stopped demo node's SQLite ledger moved into PostgreSQL, verified, and the node started on it.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class StoreMigrateTests(StoppedChainFixture chain, PostgresServer postgres) : IClassFixture<StoppedChainFixture>, IClassFixture<PostgresServer>
{
    private static Task<CliResult> MigrateAsync(string from, string to) => CliRunner.RunAsync(null, "store", "migrate", "--from", from, "--to", to);

    /// <summary>The whole data folder, keys and keystore too, so that the same node can start from it.</summary>
    private TempFolder WholeCopy()
    {
        var copy = new TempFolder();
        foreach (var dir in Directory.GetDirectories(chain.DataDir, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(chain.DataDir, copy.Path, StringComparison.Ordinal));
        foreach (var file in Directory.GetFiles(chain.DataDir, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(chain.DataDir, copy.Path, StringComparison.Ordinal));
        return copy;
    }

    [Fact]
    public async Task StoreMigrate_StoppedDemoChain_CopiesItVerifiedAndTheNodeStartsOnPostgresAtTheSameHead()
    {
        using var copy = WholeCopy();
        var database = await postgres.CreateDatabaseAsync();
        string head, stateRoot;
        ulong height;
        using (var source = await SqliteLedgerStore.OpenReadOnlyAsync(copy.File(SqliteLedgerStore.FileName), default))
            (head, stateRoot, height) = (source.Head!.Hash().ToString(), source.Head.StateRoot.ToString(), source.Head.Height);

        var result = await MigrateAsync(copy.Path, database);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"migrated {height + 1} blocks", result.Output);
        Assert.Contains(head, result.Output);
        // Out of the way, so the node can only be reading PostgreSQL.
        File.Move(copy.File(SqliteLedgerStore.FileName), copy.File("ledger.db.migrated"));
        using var node = new NodeProcess(copy.Path) { Environment = { ["CareLedger__Store"] = database } };
        await node.StartAsync();
        var info = await node.Client.GetChainAsync();
        Assert.Equal(height, info.Height);
        Assert.Equal(head, info.HeadHash);
        Assert.Equal(stateRoot, info.StateRoot);
        Assert.False(File.Exists(copy.File(SqliteLedgerStore.FileName)));
        var sent = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, "tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "1",
            "--key", "patient-jones", "--keystore", Path.Combine(copy.Path, "demo-keys"), "--node", node.BaseAddress.ToString());
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Equal(height + 1, (await node.Client.GetChainAsync()).Height);
    }

    [Fact]
    public async Task ChainVerify_MigratedStore_ReplaysItFromPostgresAndChecksTheStateTable()
    {
        using var copy = chain.Copy();
        var database = await postgres.CreateDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync(copy.Path, database)).ExitCode);

        var verified = await CliRunner.RunAsync(null, "chain", "verify", "--store", database);
        await PostgresServer.ExecuteAsync(database, "UPDATE state SET value = value || '\\x00'::bytea WHERE key = (SELECT min(key) FROM state)");
        var tampered = await CliRunner.RunAsync(null, "chain", "verify", "--store", database);

        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("chain careledger-demo verified from its genesis", verified.Output);
        Assert.Contains("matches the replay", verified.Output);
        Assert.Equal(2, tampered.ExitCode);
        Assert.StartsWith("✗ the stored state disagrees with the replayed chain: the stored value of", Assert.Single(tampered.ErrorLines));
    }

    [Fact]
    public async Task StoreMigrate_TargetAlreadyHoldsALedger_IsRefusedInOneLineAndLeftAsItWas()
    {
        using var copy = chain.Copy();
        var database = await postgres.CreateDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync(copy.Path, database)).ExitCode);
        using var before = await PostgresLedgerStore.OpenReadOnlyAsync(database, default);

        var again = await MigrateAsync(copy.Path, database);

        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("✗ the PostgreSQL database ", Assert.Single(again.ErrorLines));
        Assert.Contains("already holds a ledger; migrate into an empty database", again.Errors);
        using var after = await PostgresLedgerStore.OpenReadOnlyAsync(database, default);
        Assert.Equal(before.Head!.Hash(), after.Head!.Hash());
        Assert.Equal(before.Scan("").Count(), after.Scan("").Count());
    }

    [Fact]
    public async Task StoreMigrate_NoServerListening_IsOneLineNamingTheServer()
    {
        using var copy = chain.Copy();

        var result = await MigrateAsync(copy.Path, "Host=127.0.0.1;Port=1;Database=careledger;Username=careledger;Timeout=3");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ the PostgreSQL database careledger at 127.0.0.1:1 cannot be reached", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task StoreMigrate_ToIsNotAConnectionString_IsRefusedBeforeAnythingIsRead()
    {
        var result = await MigrateAsync(chain.DataDir, "postgres://db/careledger");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--to is not a PostgreSQL connection string", result.Output + result.Errors);
    }
}

using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Durability;

/// <summary>A node whose ledger is in PostgreSQL (<c>CareLedger:Store</c>): it serves the demo, commits, restarts at the same head, and says in one line when the server is not there.</summary>
[Collection(NodeProcessCollection.Name)]
public sealed class PostgresNodeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task InProcessNode_OnPostgres_SeedsTheDemoAndCommitsTransfers_WithNoLedgerInTheDataFolder()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await InProcessNode.StartAsync($"--CareLedger:Store={database}");
        using var keys = new DemoKeys(node.DataDir);
        var (patient, doctor) = (keys["patient-jones"], keys["dr-rivera"].Account);

        var receipts = new List<ReceiptDto>();
        for (var i = 0; i < 3; i++)
        {
            var nonce = (await node.Client.GetAccountAsync(patient.Account)).LastNonce + 1;
            receipts.Add((await node.Client.SubmitAsync(new TxDraft(patient, "careledger-demo", nonce).Transfer(doctor, 5).Sign(), wait: true)).Receipt!);
        }

        Assert.IsType<PostgresLedgerStore>(node.Store);
        Assert.All(receipts, r => Assert.True(r.Valid, r.Reason));
        Assert.False(File.Exists(Path.Combine(node.DataDir, SqliteLedgerStore.FileName)));
        using var stored = await PostgresLedgerStore.OpenReadOnlyAsync(database, default);
        Assert.Equal(node.Store.Head!.Hash(), stored.Head!.Hash());
        foreach (var r in receipts) Assert.Equal(r.Height, (await stored.FindTransactionAsync(Ledger.Cryptography.Hash256.Parse(r.TxId), default))!.Value.Height);
    }

    [Fact]
    public async Task Node_OnPostgres_StoppedAndStarted_ResumesAtTheSameHeadAndStateAndCommitsOn()
    {
        using var dir = new TempFolder();
        var database = await postgres.CreateDatabaseAsync();
        using var node = new NodeProcess(dir.Path) { Environment = { ["CareLedger__Store"] = database } };
        await node.StartAsync();
        await node.Client.WaitUntilIdleAsync();
        using var keys = new DemoKeys(dir.Path);
        var (patient, doctor) = (keys["patient-jones"], keys["dr-rivera"].Account);
        var nonce = (await node.Client.GetAccountAsync(patient.Account)).LastNonce + 1;
        Assert.True((await node.Client.SubmitAsync(new TxDraft(patient, "careledger-demo", nonce).Transfer(doctor, 5).Sign(), wait: true)).Receipt!.Valid);
        var before = await node.Client.GetChainAsync();

        node.Stop();
        await node.StartAsync();

        var after = await node.Client.GetChainAsync();
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.HeadHash, after.HeadHash);
        Assert.Equal(before.StateRoot, after.StateRoot);
        var receipt = (await node.Client.SubmitAsync(new TxDraft(patient, "careledger-demo", nonce + 1).Transfer(doctor, 5).Sign(), wait: true)).Receipt!;
        Assert.True(receipt.Valid, receipt.Reason);
        Assert.Equal(before.Height + 1, receipt.Height);
    }

    [Fact]
    public async Task Node_StoreServerNotListening_StopsWithOneLineNamingTheServer()
    {
        using var dir = new TempFolder();
        using var node = new NodeProcess(dir.Path) { Environment = { ["CareLedger__Store"] = "Host=127.0.0.1;Port=1;Database=careledger;Username=careledger;Password=secret-pw;Timeout=3" } };

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("error: the node cannot start: the ledger store, the PostgreSQL database careledger at 127.0.0.1:1, cannot be reached", failed.Message);
        Assert.DoesNotContain("secret-pw", failed.Message);
        Assert.DoesNotContain("   at ", failed.Message);
    }
}

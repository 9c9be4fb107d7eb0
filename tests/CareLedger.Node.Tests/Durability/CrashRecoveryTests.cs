using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Durability;

[Collection(NodeProcessCollection.Name)]
public sealed class CrashRecoveryTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const int KillCycles = 3;
    private const int AcknowledgedPerCycle = 60;

    [Fact]
    public async Task Node_KilledMidLoadRepeatedly_KeepsEveryAcknowledgedTransactionAndAVerifiableChain()
    {
        using var dir = new TempFolder();
        using var node = new NodeProcess(dir.Path);
        await KillMidLoadRepeatedlyAsync(node, dir, async () => await SqliteLedgerStore.OpenAsync(Path.Combine(dir.Path, "ledger.db"), default));
    }

    [Fact]
    public async Task Node_OnPostgres_KilledMidLoadRepeatedly_KeepsEveryAcknowledgedTransactionAndAVerifiableChain()
    {
        using var dir = new TempFolder();
        var database = await postgres.CreateDatabaseAsync();
        using var node = new NodeProcess(dir.Path) { Environment = { ["CareLedger__Store"] = database } };
        await KillMidLoadRepeatedlyAsync(node, dir, async () => await PostgresLedgerStore.OpenAsync(database, default));
        Assert.False(File.Exists(Path.Combine(dir.Path, "ledger.db")));
    }

    /// <summary>SIGKILLs the node under load three times; then every acknowledged transaction is in the store and its chain replays to its state.</summary>
    private static async Task KillMidLoadRepeatedlyAsync(NodeProcess node, TempFolder dir, Func<Task<ILedgerStore>> openStore)
    {
        await node.StartAsync();
        await node.Client.WaitUntilIdleAsync();
        using var keys = new DemoKeys(dir.Path);
        var (patient, doctor) = (keys["patient-jones"].Account, keys["dr-rivera"].Account);
        var clients = new[]
        {
            new AcknowledgingClient(node.Client, "careledger-demo", keys["patient-jones"], d => d.Transfer(doctor, 1)),
            new AcknowledgingClient(node.Client, "careledger-demo", keys["dr-rivera"], d => d.Transfer(patient, 1)),
            new AcknowledgingClient(node.Client, "careledger-demo", keys["clinic-admin"], d => d.Register(NewAccount(), Roles.Patient)),
        };
        using var stop = new CancellationTokenSource();
        var load = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToList();

        for (var cycle = 1; cycle <= KillCycles; cycle++)
        {
            await WaitForAcknowledgementsAsync(clients, AcknowledgedPerCycle, node);
            node.Kill();
            await node.StartAsync();
            await AssertCommittedAsync(node, Acknowledged(clients), $"after kill {cycle}");
        }
        await WaitForAcknowledgementsAsync(clients, AcknowledgedPerCycle, node);
        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(20));
        var acknowledged = Acknowledged(clients);
        await AssertCommittedAsync(node, acknowledged, "at the end");
        node.Kill();

        using var store = await openStore();
        foreach (var id in acknowledged) Assert.NotNull(await store.FindTransactionAsync(Hash256.Parse(id), default));
        var report = await new ChainChecker(g => ConsortiumContracts.CreateRuntime(g.ChainId), LedgerValidatorSet.For).ReplayAsync(store.ReadBlocksAsync());
        Assert.True(report.Valid, $"block {report.FirstBadHeight}: {report.Reason}");
        Assert.Equal(store.Head!.Height + 1, report.BlocksChecked);
        Assert.Equal(store.Head.StateRoot, report.StateRoot);
        Assert.Equal(Dump(store.Scan("")), Dump(report.State!.All()));
    }

    private static AccountId NewAccount()
    {
        using var key = SigningKey.Generate();
        return key.Account;
    }

    private static List<string> Acknowledged(IEnumerable<AcknowledgingClient> clients) => clients.SelectMany(c => c.Acknowledged).ToList();

    /// <summary>Lets the load run until the node has acknowledged a few more transactions, so the kill lands mid-load.</summary>
    private static async Task WaitForAcknowledgementsAsync(AcknowledgingClient[] clients, int more, NodeProcess node)
    {
        var target = clients.Sum(c => c.Count) + more;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (clients.Sum(c => c.Count) < target)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the load stalled at {clients.Sum(c => c.Count)} acknowledgements:\n{node.Output}");
            await Task.Delay(20);
        }
    }

    private static async Task AssertCommittedAsync(NodeProcess node, IReadOnlyList<string> ids, string when)
    {
        foreach (var id in ids)
        {
            var receipt = await node.Client.GetReceiptAsync(id);
            Assert.True(receipt.Status == "committed", $"{when}: acknowledged transaction {id} is {receipt.Status}");
        }
    }

    private static List<string> Dump(IEnumerable<KeyValuePair<string, byte[]>> state) =>
        state.Select(e => e.Key + "=" + Convert.ToHexString(e.Value)).ToList();
}

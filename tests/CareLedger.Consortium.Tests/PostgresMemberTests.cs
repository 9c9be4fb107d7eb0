using CareLedger.Consortium.Tests.Support;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>A consortium in which one organisation keeps its ledger in PostgreSQL and the others in SQLite.</summary>
[Collection(ConsortiumCollection.Name)]
public sealed class PostgresMemberTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThreeNodes_OneOnPostgres_StoreTheSameChainAndEveryAcknowledgedTransaction()
    {
        using var cluster = new ConsortiumCluster();
        var database = await postgres.CreateDatabaseAsync();
        cluster.Nodes[1].Environment["CareLedger__Store"] = database;
        try
        {
            await cluster.StartAsync();
            await using var load = ConsortiumLoad.Start(cluster);
            await load.WaitForMoreAsync(150, Patience);
            await load.StopAsync();

            int[] all = [0, 1, 2];
            var head = await cluster.WaitForSameHeadAsync(all, Patience);
            await ChainAssert.SameChainAsync(cluster, all);
            ChainAssert.AcknowledgedEverywhere(cluster, load.Acknowledged, [0, 2]);
            Assert.False(File.Exists(cluster.LedgerPath(1)));
            using var store = await PostgresLedgerStore.OpenReadOnlyAsync(database, default);
            Assert.True(store.Head!.Height >= head.Height);
            foreach (var id in load.Acknowledged.Keys) Assert.NotNull(await store.FindTransactionAsync(Hash256.Parse(id), default));
            var report = await new ChainChecker(g => Contracts.ConsortiumContracts.CreateRuntime(g.ChainId), Contracts.Membership.LedgerValidatorSet.For)
                .ReplayAsync(store.ReadBlocksAsync());
            Assert.True(report.Valid, $"block {report.FirstBadHeight}: {report.Reason}");
            Assert.Equal(store.Head.StateRoot, report.StateRoot);
            output.WriteLine($"head {head.Height}, {load.AcknowledgedCount} acknowledged; {load.Outcomes}");
        }
        finally
        {
            output.WriteLine(await cluster.DescribeAsync());
        }
    }
}

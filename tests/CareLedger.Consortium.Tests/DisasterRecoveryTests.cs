using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// The disaster-recovery drill of docs/operations.md: one organisation's node loses its whole data folder, is rebuilt
/// from an older backup taken while it ran, rejoins as the same validator and catches up from the consortium; records
/// written at it before the backup come back with the backup, those written after it come from the other nodes' copies.
/// </summary>
public sealed class DisasterRecoveryTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private const string Observation = """
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/jones"},"effectiveDateTime":"2026-12-06","valueQuantity":{"value":68,"unit":"/min"}}
        """;

    [Fact]
    public async Task Node_DataFolderLostAndRestoredFromAnOlderBackup_RejoinsAsTheSameValidatorCatchesUpAndItsRecordsStillDecrypt()
    {
        var all = new[] { 0, 1, 2 };
        var (patient, _) = await Cluster.DemoPeopleAsync();
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var lost = new[] { 1, 2 }.First(i => i != leader);
        var other = all.First(i => i != lost);
        var atLost = new RecordsClient(Cluster.Nodes[lost].Client);
        var beforeBackup = await atLost.AddAsync(patient, patient.Account, Observation);
        // The load's transfers and the patient's records are signed by the same demo people: one at a time.
        var first = StartLoad();
        await first.WaitForMoreAsync(40, Patience);
        using var backups = new TempFolder();
        var backup = Path.Combine(backups.Path, $"node{lost}.tar");

        var (backedUp, backupOutput) = await Careledger.RunAsync("store", "backup", "--data", Cluster.Nodes[lost].DataDir, "--to", backup);
        Assert.True(backedUp == 0, backupOutput);
        Log($"node {lost} backed up while running: {backupOutput.Split('\n')[0]}");

        await first.StopAsync();
        await Cluster.WaitForSameHeadAsync(all, Patience); // so that the lost node knows the load's last nonces
        var afterBackup = await atLost.AddAsync(patient, patient.Account, Observation);
        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(Cluster.Vault(other).BlobPath(afterBackup.Record, afterBackup.ContentHash))),
            Patience, $"node {other} to copy the record written at node {lost} after the backup");
        var load = StartLoad();
        await load.WaitForMoreAsync(80, Patience);
        Cluster.Nodes[lost].Kill();
        Directory.Delete(Cluster.Nodes[lost].DataDir, recursive: true);
        await load.WaitForMoreAsync(40, Patience);
        var othersAt = (await Cluster.TryHeadAsync(leader))!.Value.Height;

        var (restored, restoreOutput) = await Careledger.RunAsync("store", "restore", "--from", backup, "--data", Cluster.Nodes[lost].DataDir);
        Assert.True(restored == 0, restoreOutput);
        var backupHeight = RestoredHeight(lost);
        Assert.True(backupHeight < othersAt, $"the backup (height {backupHeight}) should be older than the others' head ({othersAt})");
        Assert.False(File.Exists(Cluster.Vault(lost).BlobPath(afterBackup.Record, afterBackup.ContentHash)));
        await Cluster.StartNodeAsync(lost);
        await load.WaitForMoreAsync(30, Patience);
        await load.StopAsync();

        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, first.Acknowledged, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        var status = await Cluster.TryStatusAsync(lost);
        Assert.Equal(Cluster.ValidatorOf[lost], status!.Self);
        Assert.Null(status.Halted);
        foreach (var record in new[] { beforeBackup.Record, afterBackup.Record })
        {
            var (_, json) = await atLost.ReadAsync(patient, record);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)), json);
        }
        Log($"node {lost} restored at height {backupHeight} while the others were at {othersAt}; all agree at {head.Height}; both its records decrypt");
    }

    private ulong RestoredHeight(int node)
    {
        using var ledger = Cluster.OpenLedger(node);
        using var command = ledger.CreateCommand();
        command.CommandText = "SELECT max(height) FROM blocks";
        return Convert.ToUInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

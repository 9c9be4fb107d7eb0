using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// The disaster-recovery drill of docs/operations.md: one organisation's node loses its whole data folder, is rebuilt
/// from an older backup taken while it ran, rejoins as the same validator and catches up from the consortium.
/// </summary>
public sealed class DisasterRecoveryTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task Node_DataFolderLostAndRestoredFromAnOlderBackup_RejoinsAsTheSameValidatorAndCatchesUpToTheSameHead()
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(40, Patience);
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var lost = new[] { 1, 2 }.First(i => i != leader);
        using var backups = new TempFolder();
        var backup = Path.Combine(backups.Path, $"node{lost}.tar");

        var (backedUp, backupOutput) = await Careledger.RunAsync("store", "backup", "--data", Cluster.Nodes[lost].DataDir, "--to", backup);
        Assert.True(backedUp == 0, backupOutput);
        Log($"node {lost} backed up while running: {backupOutput.Split('\n')[0]}");

        await load.WaitForMoreAsync(80, Patience);
        Cluster.Nodes[lost].Kill();
        Directory.Delete(Cluster.Nodes[lost].DataDir, recursive: true);
        await load.WaitForMoreAsync(40, Patience);
        var othersAt = (await Cluster.TryHeadAsync(leader))!.Value.Height;

        var (restored, restoreOutput) = await Careledger.RunAsync("store", "restore", "--from", backup, "--data", Cluster.Nodes[lost].DataDir);
        Assert.True(restored == 0, restoreOutput);
        var backupHeight = RestoredHeight(lost);
        Assert.True(backupHeight < othersAt, $"the backup (height {backupHeight}) should be older than the others' head ({othersAt})");
        await Cluster.StartNodeAsync(lost);
        await load.WaitForMoreAsync(30, Patience);
        await load.StopAsync();

        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        var status = await Cluster.TryStatusAsync(lost);
        Assert.Equal(Cluster.ValidatorOf[lost], status!.Self);
        Assert.Null(status.Halted);
        Log($"node {lost} restored at height {backupHeight} while the others were at {othersAt}; all agree at {head.Height}");
    }

    private ulong RestoredHeight(int node)
    {
        using var ledger = Cluster.OpenLedger(node);
        using var command = ledger.CreateCommand();
        command.CommandText = "SELECT max(height) FROM blocks";
        return Convert.ToUInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

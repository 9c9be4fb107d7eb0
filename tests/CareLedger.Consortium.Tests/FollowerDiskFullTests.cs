using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// A follower whose data disk (a 40 MiB tmpfs mounted over its data folder) fills while the consortium commits: it
/// refuses new work, says so once, does not halt, and catches up to the others' head once space returns.
/// </summary>
public sealed partial class FollowerDiskFullTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [SmallDiskFact]
    public async Task Follower_DataDiskFills_RefusesWorkWithoutHaltingAndCatchesUpWhenSpaceReturns()
    {
        var all = new[] { 0, 1, 2 };
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var full = new[] { 1, 2 }.First(i => i != leader);
        var node = Cluster.Nodes[full];
        node.Stop();
        var aside = node.DataDir + "-aside";
        Directory.Move(node.DataDir, aside);
        Directory.CreateDirectory(node.DataDir);
        using var disk = SmallDisk.MountAt(node.DataDir, megabytes: 40);
        CopyFolder(aside, node.DataDir);
        node.Environment["CareLedger__MinFreeDiskMegabytes"] = "4";
        await Cluster.StartNodeAsync(full);
        var load = StartLoad();
        load.Avoid(full);
        await load.WaitForMoreAsync(20, Patience);

        var filler = disk.Fill();
        await Cluster.WaitUntilAsync(async () => await MetricAsync(full, "careledger_disk_full") == 1, Patience, $"node {full} to see its disk full");
        var lagFrom = (await Cluster.TryHeadAsync(full))!.Value.Height;
        await load.WaitForMoreAsync(60, Patience);
        using var submit = await Cluster.Http(full).PostAsync("v1/transactions", new StringContent("{}", Encoding.UTF8, "application/json"));
        var status = await Cluster.TryStatusAsync(full);

        Assert.Equal(HttpStatusCode.InsufficientStorage, submit.StatusCode);
        Assert.Null(status!.Halted);
        Assert.Single(Regex.Matches(node.Output, "ALERT: disk full"));
        Log($"node {full}'s disk full at height {lagFrom}; the others went on to {(await Cluster.TryHeadAsync(leader))!.Value.Height}");

        File.Delete(filler);
        await Cluster.WaitUntilAsync(async () => await MetricAsync(full, "careledger_disk_full") == 0, Patience, $"node {full} to see space again");
        load.Allow(full);
        await load.WaitForMoreAsync(30, Patience);
        await load.StopAsync();

        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        Assert.Null((await Cluster.TryStatusAsync(full))!.Halted);
        Log($"node {full} caught up: all agree at {head.Height}");
        node.Stop();
    }

    private async Task<long> MetricAsync(int node, string name)
    {
        var text = await Cluster.Http(node).GetStringAsync("metrics");
        var match = Regex.Match(text, $@"^{name} (-?\d+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}

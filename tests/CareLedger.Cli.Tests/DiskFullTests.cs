using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CareLedger.Cli.Tests.Support;
using CareLedger.Ledger.Wire;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// A node process whose data folder is on a 40 MiB tmpfs that a file fills: it refuses new work with 507, says so once
/// in its log and in its metrics, changes nothing, and takes work again by itself once the file is deleted.
/// </summary>
public sealed partial class DiskFullTests
{
    private static Task<CliResult> RunAsync(NodeProcess node, params string[] args) =>
        CliRunner.RunAsync(DemoNodeFixture.Passphrase, [.. args, "--node", node.BaseAddress.ToString(), "--keystore", Path.Combine(node.DataDir, "demo-keys")]);

    private static Task<CliResult> TransferAsync(NodeProcess node) =>
        RunAsync(node, "tokens", "transfer", "--asset", "CARE", "--to", RecordSteps.Doctor, "--amount", "1", "--key", RecordSteps.Patient);

    private static async Task<CliResult> AddRecordAsync(NodeProcess node, string file, int value)
    {
        await File.WriteAllTextAsync(file, RecordSteps.Observation(value));
        return await RunAsync(node, "record", "add", "--patient", RecordSteps.Patient, "--file", file, "--key", RecordSteps.Patient);
    }

    private static async Task<long> MetricAsync(NodeProcess node, string name)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var text = await http.GetStringAsync("metrics");
        var match = Regex.Match(text, $@"^{name} (-?\d+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException($"no {name} in:\n{text}");
    }

    private static async Task WaitForMetricAsync(NodeProcess node, string name, long value)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await MetricAsync(node, name) != value)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} never became {value}:\n{node.Output}");
            await Task.Delay(100);
        }
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [SmallDiskFact]
    public async Task Node_DataDiskFills_RefusesWritesWith507ChangesNothingAndResumesWhenSpaceReturns()
    {
        using var disk = SmallDisk.Mount(megabytes: 40);
        using var files = new TempFolder();
        using var node = new NodeProcess(Path.Combine(disk.Path, "data")) { Environment = { ["CareLedger__MinFreeDiskMegabytes"] = "4" } };
        await node.StartAsync();
        var added = await AddRecordAsync(node, files.File("before.json"), 61);
        Assert.True(added.ExitCode == 0, added.ToString());
        var record = added.Id("Record");
        Assert.Equal(0, await MetricAsync(node, "careledger_disk_full"));

        var filler = disk.Fill();
        await WaitForMetricAsync(node, "careledger_disk_full", 1);
        var before = await node.Client.GetChainAsync();
        var transfer = await TransferAsync(node);
        var upload = await AddRecordAsync(node, files.File("during.json"), 62);
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        using var submit = await http.PostAsync("v1/transactions", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var fhir = await http.PostAsync("fhir/Observation", new StringContent(RecordSteps.Observation(63), Encoding.UTF8, "application/fhir+json"));
        var read = await RunAsync(node, "record", "get", record, "--key", RecordSteps.Patient);
        await Task.Delay(1500); // time for any block the node would wrongly cut
        var during = await node.Client.GetChainAsync();

        Assert.Equal(1, transfer.ExitCode);
        Assert.Contains("Insufficient storage", Assert.Single(transfer.ErrorLines));
        Assert.Equal(1, upload.ExitCode);
        Assert.Contains("Insufficient storage", Assert.Single(upload.ErrorLines));
        Assert.Equal(HttpStatusCode.InsufficientStorage, submit.StatusCode);
        Assert.Equal("application/problem+json", submit.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Insufficient storage", JsonNode.Parse(await submit.Content.ReadAsStringAsync())!["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.InsufficientStorage, fhir.StatusCode);
        Assert.Equal("OperationOutcome", JsonNode.Parse(await fhir.Content.ReadAsStringAsync())!["resourceType"]!.GetValue<string>());
        Assert.True(read.ExitCode == 0, read.ToString()); // reads go on
        Assert.Equal(before.HeadHash, during.HeadHash);
        Assert.True(await MetricAsync(node, "careledger_disk_full_refusals_total") >= 4);
        Assert.Equal(1, Count(node.Output, "ALERT: disk full"));

        File.Delete(filler);
        await WaitForMetricAsync(node, "careledger_disk_full", 0);
        var after = await TransferAsync(node);
        var addedAfter = await AddRecordAsync(node, files.File("after.json"), 64);
        var readAgain = await RunAsync(node, "record", "get", record, "--key", RecordSteps.Patient);

        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.True(addedAfter.ExitCode == 0, addedAfter.ToString());
        Assert.True(readAgain.ExitCode == 0, readAgain.ToString());
        Assert.Equal(61, JsonNode.Parse(readAgain.Output)!["valueQuantity"]!["value"]!.GetValue<int>());
        Assert.Equal(1, Count(node.Output, "Disk space returned"));
        Assert.True((await node.Client.GetChainAsync()).Height > during.Height);
        node.Stop();
        var verified = await CliRunner.RunAsync(null, "chain", "verify", "--data", node.DataDir);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("verified from its genesis", verified.Output);
    }

    /// <summary>
    /// With no margin the node meets the full disk mid-write: the block is rolled back, the node refuses new work, and
    /// the same transaction is committed once space returns — the client that sent it just waits longer.
    /// </summary>
    [SmallDiskFact]
    public async Task Node_DiskFillsBeforeTheNodeNotices_TheRefusedBlockIsCommittedOnceSpaceReturns()
    {
        using var disk = SmallDisk.Mount(megabytes: 40);
        using var node = new NodeProcess(Path.Combine(disk.Path, "data")) { Environment = { ["CareLedger__MinFreeDiskMegabytes"] = "0" } };
        await node.StartAsync();
        var start = await node.Client.GetChainAsync();

        var filler = disk.Fill();
        var transfer = TransferAsync(node);
        await WaitForMetricAsync(node, "careledger_disk_full", 1);

        await RefusedWhileFullThenCommittedOnceFreedAsync(node, filler, start, transfer, "--data", node.DataDir);
        Assert.Equal(1, Count(node.Output, "ALERT: disk full"));
        Assert.DoesNotContain("Ordering failed", node.Output);
    }

    /// <summary>
    /// The ledger in PostgreSQL, whose cluster is on the small disk: the database refuses the block (disk_full), the node
    /// refuses new work and tries the block again until the database has room, then commits it; the chain verifies.
    /// </summary>
    [SmallDiskFact]
    public async Task Node_PostgresDiskFills_RefusesWritesAndCommitsTheRefusedBlockOnceTheDatabaseHasRoom()
    {
        using var disk = SmallDisk.Mount(megabytes: 160);
        using var postgres = PostgresServer.Under(disk.Path);
        var database = await postgres.CreateDatabaseAsync();
        using var data = new TempFolder();
        using var node = new NodeProcess(Path.Combine(data.Path, "data")) { Environment = { ["CareLedger__Store"] = database } };
        await node.StartAsync();

        var filler = disk.Fill();
        // PostgreSQL writes into pages and a WAL segment it already holds until a table must grow: transfer until one cannot.
        Task<CliResult>? transfer = null;
        ChainInfoDto? start = null;
        for (var i = 0; i < 200 && transfer is null; i++)
        {
            start = await node.Client.GetChainAsync();
            var next = TransferAsync(node);
            while (!next.IsCompleted && await MetricAsync(node, "careledger_disk_full") == 0) await Task.Delay(50);
            if (await MetricAsync(node, "careledger_disk_full") == 1) transfer = next;
            else Assert.True((await next).ExitCode == 0, (await next).ToString());
        }
        Assert.True(transfer is not null, $"the database never ran out of space:\n{node.Output}");

        await RefusedWhileFullThenCommittedOnceFreedAsync(node, filler, start!, transfer, "--store", database);
    }

    /// <summary>
    /// The disk is full and <paramref name="pending"/>'s block is held back by it: a further transfer is refused with 507
    /// and the head stays at <paramref name="start"/>; once the filler is deleted the pending transfer commits after it, the
    /// node is still running, and its chain verifies (<c>chain verify</c> with <paramref name="store"/>) once it stops.
    /// </summary>
    private static async Task RefusedWhileFullThenCommittedOnceFreedAsync(NodeProcess node, string filler, ChainInfoDto start, Task<CliResult> pending, params string[] store)
    {
        var refused = await TransferAsync(node);
        var stalled = await node.Client.GetChainAsync();
        File.Delete(filler);
        var sent = await pending;

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Insufficient storage", Assert.Single(refused.ErrorLines));
        Assert.Equal(start.HeadHash, stalled.HeadHash);
        Assert.True(sent.ExitCode == 0, sent.ToString() + node.Output);
        var receipt = await node.Client.GetReceiptAsync(sent.TxId);
        Assert.Equal("committed", receipt.Status);
        Assert.True(receipt.Height > start.Height);
        Assert.True(node.IsRunning, node.Output);
        node.Stop();
        var verified = await CliRunner.RunAsync(null, ["chain", "verify", .. store]);
        Assert.True(verified.ExitCode == 0, verified.ToString());
    }
}

using System.Text.Json.Nodes;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;
using static CareLedger.Cli.Tests.Support.RecordSteps;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class RecordsTests(DemoNodeFixture node) : IDisposable
{
    private readonly TempFolder _files = new();

    [Fact]
    public async Task RecordAdd_ObservationFromFile_GetReturnsTheSameResource()
    {
        var (file, record) = await node.AddObservationAsync(_files, value: 64);
        var copy = _files.File("copy.json");

        var written = await node.RunWithKeysAsync("record", "get", record, "--out", copy, "--key", Patient);
        var printed = await node.RunWithKeysAsync("record", "get", record, "--key", Patient);

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(file)), JsonNode.Parse(File.ReadAllText(copy))), File.ReadAllText(copy));
        Assert.Single(written.LinesWith("Purpose", "patient"));
        Assert.Single(written.LinesWith("Break-glass", "no"));
        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(file)), JsonNode.Parse(printed.Output)), printed.Output);
        Assert.Contains($"Observation record {record}, version 1, read for purpose 'patient'", printed.Errors);
    }

    [Fact]
    public async Task RecordAdd_InvalidFhir_ListsEveryErrorOnOneLineAndSendsNothing()
    {
        var file = _files.File("bad.json");
        await File.WriteAllTextAsync(file, """{"resourceType":"Observation","status":"bogus","colour":"red","code":{"text":"Heart rate"}}""");
        var nonce = (await node.Node.Client.GetAccountAsync(node.Account(Patient))).LastNonce;

        var result = await node.RunWithKeysAsync("record", "add", "--patient", Patient, "--file", file, "--key", Patient);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"✗ {file} is not a valid FHIR R4 record (2 errors):", line);
        Assert.Contains("bogus", line);
        Assert.Contains("colour", line);
        Assert.Equal(nonce, (await node.Node.Client.GetAccountAsync(node.Account(Patient))).LastNonce);
    }

    [Fact]
    public async Task RecordUpdate_ThenHistory_ListsBothVersionsAndEitherCanBeRead()
    {
        var (_, record) = await node.AddObservationAsync(_files, value: 70);
        var next = _files.File("next.json");
        await File.WriteAllTextAsync(next, Observation(value: 75));

        var updated = await node.RunWithKeysAsync("record", "update", record, "--file", next, "--key", Patient);
        var history = await node.RunWithKeysAsync("record", "history", record, "--key", Patient);
        var first = await node.RunWithKeysAsync("record", "get", record, "--version", "1", "--key", Patient);
        var latest = await node.RunWithKeysAsync("record", "get", record, "--key", Patient);
        var list = await node.RunWithKeysAsync("record", "list", "--key", Patient);

        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.Matches("Transaction +[0-9a-f]{64}", updated.Output);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Single(history.LinesWith("│       1 │", Patient));
        Assert.Single(history.LinesWith("│       2 │", Patient));
        Assert.Equal(75, JsonNode.Parse(latest.Output)!["valueQuantity"]!["value"]!.GetValue<int>());
        Assert.Equal(70, JsonNode.Parse(first.Output)!["valueQuantity"]!["value"]!.GetValue<int>());
        Assert.Single(list.LinesWith(record, "Observation", "│       2 │"));
    }

    [Fact]
    public async Task RecordErase_ThenGet_IsRefusedAsErased()
    {
        var (_, record) = await node.AddObservationAsync(_files, value: 90);

        var erased = await node.RunWithKeysAsync("record", "erase", record, "--yes", "--key", Patient);
        var read = await node.RunWithKeysAsync("record", "get", record, "--key", Patient);

        Assert.True(erased.ExitCode == 0, erased.ToString());
        Assert.Contains("records.erase committed", erased.Output);
        Assert.Equal(1, read.ExitCode);
        Assert.Equal("✗ access refused: the record was erased by the patient", Assert.Single(read.ErrorLines));
        Assert.Empty(read.Output);
    }

    [Fact]
    public async Task RecordErase_NoTerminalToAskOnAndNoYes_ErasesNothing()
    {
        var (_, record) = await node.AddObservationAsync(_files, value: 91);

        var erase = await node.RunWithKeysAsync("record", "erase", record, "--key", Patient);
        var read = await node.RunWithKeysAsync("record", "get", record, "--key", Patient);

        Assert.Equal(1, erase.ExitCode);
        Assert.Contains("confirm with --yes", Assert.Single(erase.ErrorLines));
        Assert.True(read.ExitCode == 0, read.ToString());
    }

    [Fact]
    public async Task RecordGet_MalformedRecordId_FailsWithOneLine()
    {
        var result = await node.RunWithKeysAsync("record", "get", "../../v1/records/access-log", "--key", Patient);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a record id (32 lowercase hex characters)", Assert.Single(result.ErrorLines));
    }

    public void Dispose() => _files.Dispose();
}

using System.Text.Json;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class TransactionsTests(DemoNodeFixture node)
{
    private async Task<string> AccountOfAsync(string key) =>
        JsonDocument.Parse((await CliRunner.RunAsync(null, "keys", "show", key, "--json", "--keystore", node.Keystore)).Output)
            .RootElement.GetProperty("account").GetString()!;

    private async Task<string> TransferArgsAsync(int amount) =>
        JsonSerializer.Serialize(new { asset = "CARE", to = await AccountOfAsync("dr-rivera"), amount });

    [Fact]
    public async Task TxSend_ThenStatus_ShowsTheCommittedReceipt()
    {
        var sent = await node.RunWithKeysAsync("tx", "send", "--contract", "tokens", "--action", "transfer", "--args", await TransferArgsAsync(1), "--key", "patient-jones");
        var status = await node.RunWithKeysAsync("tx", "status", sent.TxId, "--json", "--as", "patient-jones");
        var anonymous = await node.RunAsync("tx", "status", sent.TxId, "--json");

        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Contains("tokens.transfer committed in block", sent.Output);
        var receipt = JsonDocument.Parse(status.Output).RootElement;
        Assert.Equal("committed", receipt.GetProperty("status").GetString());
        Assert.True(receipt.GetProperty("valid").GetBoolean());
        Assert.Equal("Transferred", receipt.GetProperty("events")[0].GetProperty("name").GetString());
        // Where it is is public; whether it took effect and what it did are its sender's (and the overseers').
        var bare = JsonDocument.Parse(anonymous.Output).RootElement;
        Assert.Equal("committed", bare.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("valid").ValueKind);
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("events").ValueKind);
    }

    [Fact]
    public async Task TxSend_NoWait_IsCommittedSoonAfter()
    {
        var sent = await node.RunWithKeysAsync("tx", "send", "--contract", "tokens", "--action", "transfer", "--args", await TransferArgsAsync(1), "--key", "patient-jones", "--no-wait");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Contains("not yet in a block", sent.Output);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        CliResult status;
        do status = await node.RunAsync("tx", "status", sent.TxId);
        while (!status.Output.Contains("committed", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.Contains("transaction committed in block", status.Output);
        // Read anonymously: where it is, not whether it took effect (that is its sender's to know).
        Assert.Contains("whether it took effect is told to its sender", status.Output);
        Assert.DoesNotContain("invalid", status.Output);
    }

    [Fact]
    public async Task TxSend_MalformedArgs_FailsWithOneLine()
    {
        var result = await node.RunWithKeysAsync("tx", "send", "--contract", "tokens", "--action", "transfer", "--args", "{\"asset\":", "--key", "patient-jones");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ --args: not valid JSON", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task TxSend_UnknownContract_IsRejectedWithOneLine()
    {
        var result = await node.RunWithKeysAsync("tx", "send", "--contract", "astrology", "--action", "predict", "--key", "patient-jones");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown contract 'astrology'", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task TxStatus_UnknownTransaction_FailsWithOneLine()
    {
        var result = await node.RunAsync("tx", "status", new string('0', 64));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown transaction", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task AnyNodeCommand_NodeUnreachable_FailsWithOneLine()
    {
        var result = await CliRunner.RunAsync(null, "block", "show", "latest", "--node", CliRunner.UnreachableNode);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ cannot reach the node", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task BlockShow_Genesis_HasNoTransactionsAndOneSignature()
    {
        var result = await node.RunAsync("block", "show", "0", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var block = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(0, block.GetProperty("height").GetInt64());
        Assert.Empty(block.GetProperty("transactions").EnumerateArray());
        Assert.Single(block.GetProperty("signatures").EnumerateArray());
    }

    [Fact]
    public async Task BlockShow_Latest_ShowsHeaderAndSigner()
    {
        var result = await node.RunAsync("block", "show", "latest");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("State root", result.Output);
        Assert.Contains("Signed by", result.Output);
    }

    [Fact]
    public async Task StateGet_AssetKey_PrintsItsJson()
    {
        var result = await node.RunAsync("state", "get", "tokens/asset/CARE");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("CARE", JsonDocument.Parse(result.Output).RootElement.GetProperty("symbol").GetString());
    }
}

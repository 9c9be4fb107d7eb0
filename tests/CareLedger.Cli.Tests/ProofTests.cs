using System.Text.Json.Nodes;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class ProofTests(DemoNodeFixture node) : IDisposable
{
    private readonly TempFolder _files = new();

    private Task<string> ProofFileAsync() => node.ProofFileAsync(_files.File("receipt.json"));

    [Fact]
    public async Task ProofVerify_FetchedProofAgainstGenesis_Holds()
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, "proof", "verify", path, "--genesis", node.GenesisFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("proof holds", result.Output);
        Assert.Contains("(trusted)", result.Output);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("transaction")]
    [InlineData("result")]
    [InlineData("txId")]
    [InlineData("blockHash")]
    public async Task ProofVerify_OneAlteredCharacter_Fails(string field)
    {
        var path = await ProofFileAsync();
        var json = await File.ReadAllTextAsync(path);
        var value = JsonNode.Parse(json)![field]!.GetValue<string>();
        var at = json.IndexOf(value, StringComparison.Ordinal) + value.Length / 2;
        await File.WriteAllTextAsync(path, json[..at] + (json[at] == 'a' ? 'b' : 'a') + json[(at + 1)..]);

        var result = await CliRunner.RunAsync(null, "proof", "verify", path, "--genesis", node.GenesisFile);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("✗ proof is invalid", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ProofVerify_SignerNotAmongTrustedValidators_Fails()
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, "proof", "verify", path, "--validator", new string('e', 64));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("0 trusted validator signature(s)", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ProofVerify_NoTrustAnchor_HoldsButWarns()
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, "proof", "verify", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no trusted validators given", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ProofVerify_MissingFile_FailsWithOneLine()
    {
        var result = await CliRunner.RunAsync(null, "proof", "verify", _files.File("nothing.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no proof file at", Assert.Single(result.ErrorLines));
    }

    public void Dispose() => _files.Dispose();
}

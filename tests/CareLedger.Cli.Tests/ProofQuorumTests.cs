using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>How many trusted validators a proof needs: the demo node's proofs carry one signature, its own.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ProofQuorumTests(DemoNodeFixture node) : IDisposable
{
    // Two more trusted validators besides the demo node's, who never sign: three trusted, a majority is two.
    private static readonly string[] TwoSilentValidators = ["--validator", new string('e', 64), "--validator", new string('f', 64)];

    private readonly TempFolder _files = new();

    private Task<string> ProofFileAsync() => node.ProofFileAsync(_files.File("receipt.json"));

    [Fact]
    public async Task ProofVerify_OneOfThreeTrustedSigned_FailsTheDefaultMajority()
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, ["proof", "verify", path, "--genesis", node.GenesisFile, .. TwoSilentValidators]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("1 trusted validator signature(s); 2 required", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ProofVerify_ExplicitQuorumOfOne_HoldsAndSaysHowManySigned()
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, ["proof", "verify", path, "--genesis", node.GenesisFile, .. TwoSilentValidators, "--quorum", "1"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.LinesWith("Quorum", "1 of 3 trusted validators signed; 1 needed (--quorum)"));
    }

    [Fact]
    public async Task ProofVerify_GenesisWithOneValidator_NeedsItsSignatureAsTheMajority()
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, "proof", "verify", path, "--genesis", node.GenesisFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.LinesWith("Quorum", "1 of 1 trusted validators signed; 1 needed (a strict majority)"));
    }

    [Theory]
    [InlineData("0", "at least 1")]
    [InlineData("4", "can never be met")]
    public async Task ProofVerify_ImpossibleQuorum_IsRefusedBeforeChecking(string quorum, string message)
    {
        var path = await ProofFileAsync();

        var result = await CliRunner.RunAsync(null, ["proof", "verify", path, "--genesis", node.GenesisFile, .. TwoSilentValidators, "--quorum", quorum]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(message, result.Errors);
    }

    public void Dispose() => _files.Dispose();
}

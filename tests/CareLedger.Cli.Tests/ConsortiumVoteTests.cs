using System.Text.RegularExpressions;
using CareLedger.Cli.Tests.Support;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Cli.Tests;

/// <summary>
/// Votes on the validator set against a solo demo node of its own (the votes change its validators, which
/// the shared node's other tests must not see). Only city-clinic validates there, so its admin alone is a majority.
/// </summary>
public sealed partial class ConsortiumVoteTests(DemoNodeFixture node) : IClassFixture<DemoNodeFixture>
{
    [Fact]
    public async Task ProposeJoinAndLeave_ClinicAdminThenLabAdmin_ApplyAndValidatorsFollow()
    {
        using var labNode = SigningKey.Generate();
        using var harbourNode = SigningKey.Generate();
        var lab = labNode.Account.ToString();
        var harbour = harbourNode.Account.ToString();

        var joined = await node.RunWithKeysAsync("consortium", "propose-join", "central-lab", "--node-key", Convert.ToBase64String(labNode.PublicKey), "--key", "clinic-admin");
        Assert.True(joined.ExitCode == 0, joined.ToString());
        Assert.Single(joined.LinesWith("Proposal", joined.TxId));
        Assert.Single(joined.LinesWith("Approvals", "1/1"));
        Assert.Single(joined.LinesWith($"applied: {lab} joined (central-lab)"));
        Assert.Equal([("central-lab", lab), ("city-clinic", Clinic)], await ValidatorsAsync());

        // Two validating organisations now: the clinic's proposal waits for the laboratory's approval.
        var proposed = await node.RunWithKeysAsync("consortium", "propose-leave", lab, "--key", "clinic-admin");
        Assert.True(proposed.ExitCode == 0, proposed.ToString());
        Assert.Single(proposed.LinesWith("Approvals", "1/2"));
        Assert.Single(proposed.LinesWith("careledger consortium approve", proposed.TxId));
        Assert.Equal(2, (await ValidatorsAsync()).Count);

        var approved = await node.RunWithKeysAsync("consortium", "approve", proposed.TxId, "--key", "lab-admin");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Single(approved.LinesWith("Approvals", "2/2"));
        Assert.Single(approved.LinesWith($"applied: {lab} left"));
        Assert.Equal([("city-clinic", Clinic)], await ValidatorsAsync());

        var founded = await node.RunWithKeysAsync("consortium", "propose-join", "harbour-lab", "--node-key", Convert.ToBase64String(harbourNode.PublicKey),
            "--name", "Harbour Laboratory", "--kind", "laboratory", "--key", "clinic-admin");
        Assert.True(founded.ExitCode == 0, founded.ToString());
        Assert.Single(founded.LinesWith($"applied: {harbour} joined (harbour-lab)"));
        Assert.Equal([("city-clinic", Clinic), ("harbour-lab", harbour)], await ValidatorsAsync());
    }

    [Fact]
    public async Task ProposeJoin_AdminOfNonValidatingOrganisation_RefusedInOneLine()
    {
        using var key = SigningKey.Generate();

        var result = await node.RunWithKeysAsync("consortium", "propose-join", "harbour-lab", "--node-key", Convert.ToBase64String(key.PublicKey),
            "--kind", "laboratory", "--key", "insurer-admin");

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("only an admin of an organisation that runs a validator", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ProposeJoin_MalformedNodeKey_FailsBeforeSending()
    {
        using var key = SigningKey.Generate();
        var truncated = Convert.ToBase64String(key.PublicKey[..^4]);

        foreach (var bad in new[] { "not base64!", truncated })
        {
            var result = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, "consortium", "propose-join", "harbour-lab", "--node-key", bad,
                "--kind", "laboratory", "--key", "clinic-admin", "--keystore", node.Keystore, "--node", CliRunner.UnreachableNode);

            Assert.Equal(ExitCodes.Failed, result.ExitCode);
            Assert.Empty(result.Output);
            Assert.Contains("--node-key is not a P-256 public key", Assert.Single(result.ErrorLines));
        }
    }

    [Fact]
    public async Task ProposeJoin_FromNodeThatAlreadyValidates_ReadsItsKeyAndIsRefused()
    {
        var result = await node.RunWithKeysAsync("consortium", "propose-join", "city-clinic", "--from-node", node.Node.BaseAddress.ToString(), "--key", "clinic-admin");

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains($"{Clinic} is already a validator", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ProposeJoin_FromNodeUnreachable_SaysWhichNode()
    {
        var result = await node.RunWithKeysAsync("consortium", "propose-join", "harbour-lab", "--from-node", CliRunner.UnreachableNode,
            "--kind", "laboratory", "--key", "clinic-admin");

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("cannot reach the joining node at http://127.0.0.1:1/", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Approve_UnknownProposal_RefusedInOneLine()
    {
        var unknown = new string('a', 64);

        var result = await node.RunWithKeysAsync("consortium", "approve", unknown, "--key", "clinic-admin");

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains($"no validator proposal {unknown}", Assert.Single(result.ErrorLines));
    }

    /// <summary>The city clinic's validator: the node's own key.</summary>
    private string Clinic => node.Node.Keys.Validator.Account.ToString();

    /// <summary>The rows of <c>consortium validators</c> as (organisation, account), in the order printed.</summary>
    private async Task<List<(string Organisation, string Account)>> ValidatorsAsync()
    {
        var result = await node.RunAsync("consortium", "validators");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Split('\n').Select(line => ValidatorRow().Match(line)).Where(m => m.Success)
            .Select(m => (m.Groups[2].Value, m.Groups[1].Value)).ToList();
    }

    [GeneratedRegex(@"^([0-9a-f]{64})\s+(\S+)\s*$")]
    private static partial Regex ValidatorRow();
}

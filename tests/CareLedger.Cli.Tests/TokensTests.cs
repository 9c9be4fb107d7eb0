using System.Text.Json;
using CareLedger.Cli.Tests.Support;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class TokensTests(DemoNodeFixture node)
{
    private async Task<long> BalanceAsync(string key)
    {
        var result = await node.RunWithKeysAsync("tokens", "balance", "--asset", "CARE", "--key", key, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Output).RootElement.GetProperty("balance").GetInt64();
    }

    [Fact]
    public async Task TokensTransfer_WithinBalance_MovesTheAmount()
    {
        var patientBefore = await BalanceAsync("patient-jones");
        var doctorBefore = await BalanceAsync("dr-rivera");

        var result = await node.RunWithKeysAsync("tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "25",
            "--memo", "video consultation", "--key", "patient-jones");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("tokens.Transferred", result.Output);
        Assert.Equal(patientBefore - 25, await BalanceAsync("patient-jones"));
        Assert.Equal(doctorBefore + 25, await BalanceAsync("dr-rivera"));
    }

    [Fact]
    public async Task TokensTransfer_MoreThanTheBalance_IsRefusedWithOneLineAndChangesNothing()
    {
        var before = await BalanceAsync("patient-jones");

        var result = await node.RunWithKeysAsync("tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", $"{before + 1}",
            "--key", "patient-jones");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"insufficient funds: balance {before} CARE", Assert.Single(result.ErrorLines));
        Assert.Equal(before, await BalanceAsync("patient-jones"));
    }

    [Fact]
    public async Task TokensTransfer_ZeroAmount_FailsBeforeSigning()
    {
        var result = await CliRunner.RunAsync(null, "tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "0",
            "--key", "patient-jones", "--keystore", node.Keystore);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--amount must be a positive whole number", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task TokensMint_ByIssuerAdmin_RaisesTheBalance()
    {
        var before = await BalanceAsync("pharmacist-chen");

        var result = await node.RunWithKeysAsync("tokens", "mint", "--asset", "CARE", "--to", "pharmacist-chen", "--amount", "40", "--key", "insurer-admin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(before + 40, await BalanceAsync("pharmacist-chen"));
    }

    [Fact]
    public async Task TokensBalance_UnknownKeyName_SaysWhatWasExpected()
    {
        var result = await node.RunWithKeysAsync("tokens", "balance", "--asset", "CARE", "--account", "dr-nobody");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'dr-nobody' is neither an account id", Assert.Single(result.ErrorLines));
    }
}

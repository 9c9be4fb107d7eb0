using System.Text.Json;
using CareLedger.Cli.Tests.Support;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class LicensingTests(DemoNodeFixture node)
{
    /// <summary>A new key in the demo keystore, registered by the clinic as a practitioner.</summary>
    private async Task<string> NewPractitionerAsync()
    {
        var name = "dr-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await CliRunner.RunAsync("a passphrase", "keys", "new", name, "--keystore", node.Keystore)).ExitCode);
        var registered = await node.RunWithKeysAsync("member", "add", name, "--role", "practitioner", "--name", "Dr. New", "--key", "clinic-admin");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        return name;
    }

    [Fact]
    public async Task Licence_IssuedThenRevoked_VerifiesThenFails()
    {
        var doctor = await NewPractitionerAsync();

        var issued = await node.RunWithKeysAsync("licence", "issue", doctor, "--specialty", "cardiology", "--jurisdiction", "EU-DEMO",
            "--valid-until", "2099-12-31", "--key", "board-admin");
        var whileValid = await node.RunWithKeysAsync("licence", "verify", doctor);
        var revoked = await node.RunWithKeysAsync("licence", "revoke", doctor, "--reason", "struck off by the board", "--key", "board-admin");
        var afterRevocation = await node.RunWithKeysAsync("licence", "verify", doctor);

        Assert.True(issued.ExitCode == 0, issued.ToString());
        Assert.Contains("LicenceIssued", issued.Output);
        Assert.True(whileValid.ExitCode == 0, whileValid.ToString());
        Assert.Contains("cardiology", whileValid.Output);
        Assert.Contains("2099-12-31 00:00:00 UTC", whileValid.Output);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal(2, afterRevocation.ExitCode);
        Assert.Contains("revoked: struck off by the board", Assert.Single(afterRevocation.ErrorLines));
    }

    [Fact]
    public async Task LicenceVerify_AtTimeBeforeValidFrom_IsNotYetValid()
    {
        var doctor = await NewPractitionerAsync();
        await node.RunWithKeysAsync("licence", "issue", doctor, "--specialty", "oncology", "--jurisdiction", "EU-DEMO",
            "--valid-from", "2030-01-01", "--valid-until", "2031-01-01", "--key", "board-admin");

        var early = await node.RunWithKeysAsync("licence", "verify", doctor, "--at", "2029-06-30", "--json");
        var during = await node.RunWithKeysAsync("licence", "verify", doctor, "--at", "2030-06-30", "--json");

        Assert.Equal(2, early.ExitCode);
        Assert.Equal("licence is not yet valid", JsonDocument.Parse(early.Output).RootElement.GetProperty("reason").GetString());
        Assert.Equal(0, during.ExitCode);
        Assert.True(JsonDocument.Parse(during.Output).RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task LicenceIssue_SignedByClinicAdmin_IsRefusedWithOneLine()
    {
        var doctor = await NewPractitionerAsync();

        var result = await node.RunWithKeysAsync("licence", "issue", doctor, "--specialty", "cardiology", "--jurisdiction", "EU-DEMO",
            "--valid-until", "2099-12-31", "--key", "clinic-admin");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("only an admin of a licensing-authority organisation", Assert.Single(result.ErrorLines));
        Assert.Equal(2, (await node.RunWithKeysAsync("licence", "verify", doctor)).ExitCode);
    }

    [Fact]
    public async Task LicenceIssue_UnreadableDate_FailsBeforeSigning()
    {
        var result = await CliRunner.RunAsync(null, "licence", "issue", new string('a', 64), "--specialty", "x", "--jurisdiction", "y",
            "--valid-until", "31/12/2099", "--key", "board-admin", "--keystore", node.Keystore);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--valid-until: '31/12/2099' is not a date", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task LicenceVerify_PractitionerWithoutLicence_ExitsInvalid()
    {
        var doctor = await NewPractitionerAsync();

        var result = await node.RunWithKeysAsync("licence", "verify", doctor);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds no licence", Assert.Single(result.ErrorLines));
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Client.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.ClinicTestKit;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// One key, two tools (issue 12, test 4): a key made and exported in the portal signs a transfer in the real careledger
/// executable, and a key made by that executable, imported into the portal, signs a record there; each time the ledger
/// shows the transaction as that account's.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalCliKeyTests(BrowserFixture fx) : IDisposable
{
    private const string Passphrase = "portal and cli";
    private readonly ClinicTestKit _kit = new(fx);

    public void Dispose() => _kit.Dispose();

    private static string CliDll => Path.Combine(NodeProcess.RepoRoot, "src", "CareLedger.Cli", "bin", NodeProcess.Configuration, "net10.0", "careledger.dll");

    private async Task<(int ExitCode, string Output, string Errors)> CliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CARELEDGER_PASSPHRASE"] = Passphrase;
        psi.Environment["CARELEDGER_NODE"] = fx.Node.BaseAddress.ToString().TrimEnd('/');
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The clinic registers the account as a patient, as enrolment would.</summary>
    private Task RegisterAsync(AccountId account) =>
        new MembershipClient(_kit.As("clinic-admin")).RegisterAsync(_kit.Key("clinic-admin"), account, "patient");

    [Fact]
    public async Task KeyMadeInThePortal_Exported_SignsATransferInTheRealCli_AndTheLedgerMovesTheMoney()
    {
        Assert.True(File.Exists(CliDll), $"the CLI is not built at {CliDll}");
        var page = await OpenKeysAsync(fx);
        await page.GetByLabel("Key name").FillAsync("made-in-portal");
        await page.GetByLabel("New passphrase").FillAsync(Passphrase);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var accountCell = page.GetByTestId("unlocked-account");
        await Assertions.Expect(accountCell).ToHaveTextAsync(Hex64(), new() { Timeout = Slow });
        var account = AccountId.Parse(await accountCell.InnerTextAsync());
        await RegisterAsync(account);
        await new TokensClient(_kit.As("patient-jones")).TransferAsync(_kit.Key("patient-jones"), Asset, account, 20);
        using var keystore = new TempFolder();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export" }).ClickAsync());
        await download.SaveAsAsync(Path.Combine(keystore.Path, download.SuggestedFilename));
        var jonesBefore = await _kit.BalanceAsync("patient-jones");

        var (exit, output, errors) = await CliAsync("tokens", "transfer", "--asset", Asset, "--to", _kit.Key("patient-jones").Account.ToString(), "--amount", "7",
            "--key", "made-in-portal", "--keystore", keystore.Path);

        Assert.True(exit == 0, $"careledger exited {exit}: {errors}{output}");
        using var exported = new KeyStore(keystore.Path).Load("made-in-portal", Passphrase);
        Assert.Equal(account, exported.Account);
        Assert.Equal(13, (await new TokensClient(fx.Node.Client.As(exported)).BalanceAsync(Asset, account)).Balance);
        Assert.Equal(jonesBefore + 7, await _kit.BalanceAsync("patient-jones"));
        var txId = TxId().Match(output);
        Assert.True(txId.Success, "the CLI printed no transaction id: " + output);
        var receipt = await fx.Node.Client.As(exported).GetReceiptAsync(txId.Groups[1].Value);
        Assert.True(receipt.Valid);
        var transferred = Assert.Single(receipt.Events!, e => e.Name == "Transferred");
        Assert.Equal(account.ToString(), (string?)transferred.Attributes["from"]);
    }

    [Fact]
    public async Task KeyMadeByTheCli_ImportedInThePortal_SignsARecordThatTheLedgerAttributesToIt()
    {
        using var keystore = new TempFolder();
        var (exit, output, errors) = await CliAsync("keys", "new", "made-by-cli", "--keystore", keystore.Path);
        Assert.True(exit == 0, $"careledger exited {exit}: {errors}{output}");
        var file = Path.Combine(keystore.Path, "made-by-cli.key.json");
        var account = new KeyStore(keystore.Path).Show("made-by-cli").Account;
        await RegisterAsync(account);
        // As a CLI user enrols: publishing the key is what lets records be sealed for the account.
        (exit, output, errors) = await CliAsync("record", "publish-key", "--key", "made-by-cli", "--keystore", keystore.Path);
        Assert.True(exit == 0, $"careledger exited {exit}: {errors}{output}");

        var page = await OpenKeysAsync(fx);
        await ImportAsync(page, file, Passphrase);
        await Assertions.Expect(page.GetByTestId("unlocked-account")).ToHaveTextAsync(account.ToString(), new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("key-status")).ToContainTextAsync("you are signed in as a patient", new() { Timeout = Slow });
        await NavAsync(page, "My records");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a record" }).First.ClickAsync(new() { Timeout = Slow });
        await page.GetByLabel("Value").FillAsync("36.6");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save record" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToBeVisibleAsync(new() { Timeout = Slow });
        await ScreenshotAsync(page, "cli-key-signed-in-portal");

        using var key = new KeyStore(keystore.Path).Load("made-by-cli", Passphrase);
        var records = await new RecordsClient(fx.Node.Client.As(key)).ListAsync(key);
        var added = Assert.Single(records);
        Assert.Equal((account.ToString(), account.ToString(), "Observation"), (added.Author, added.Patient, added.Type));
        var (_, json) = await new RecordsClient(fx.Node.Client.As(key)).ReadAsync(key, added.Record);
        Assert.Contains("36.6", json);
    }

    private static Regex Hex64() => new("^[0-9a-f]{64}$");

    [GeneratedRegex(@"Transaction\s+([0-9a-f]{64})")]
    private static partial Regex TxId();
}

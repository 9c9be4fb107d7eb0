using System.Text.Json;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>The auditor's page: the chain's head and validators as the node reports them, and receipts checked in the browser.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalAuditTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    [Fact]
    public async Task AuditorSeesTheChainHeadAndValidators_VerifiesASavedReceipt_AndATamperedOneFails()
    {
        var receipt = await _people.Tokens("patient-jones").TransferAsync(_people.Key("patient-jones"), DemoPeople.Asset, _people.Key("dr-rivera").Account, 1);
        var proof = await fx.Node.Client.As(_people.Key("patient-jones")).GetProofAsync(receipt.TxId);
        // As the access log's "Save" writes it (ReceiptLink).
        var file = Path.Combine(fx.Node.DataDir, $"receipt-{receipt.TxId[..16]}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(proof, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        var chain = await fx.Node.Client.GetChainAsync();
        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, "Agency auditor");

        await DemoPeople.NavAsync(page, "Chain audit");
        await Assertions.Expect(page.GetByTestId("head")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"), new() { Timeout = Slow });
        var height = ulong.Parse((await page.GetByTestId("height").InnerTextAsync()).Replace(",", "").Replace(".", "").Replace("\u00a0", ""));
        Assert.True(height >= chain.Height, $"the page shows height {height}, the chain was at {chain.Height} before it opened");
        await Assertions.Expect(page.GetByTestId("validators").Locator("tbody tr")).ToHaveCountAsync(chain.Validators.Count, new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("validators")).ToContainTextAsync("City Clinic");

        await page.GetByLabel("Choose a receipt file").SetInputFilesAsync(file);
        await Assertions.Expect(page.GetByTestId("audit-verdict")).ToHaveTextAsync(
            $"✓ Transaction {receipt.TxId[..16]}… (tokens.transfer, accepted) is in block {proof.Height}, signed by {chain.Validators.Count} of {chain.Validators.Count} validators.",
            new() { Timeout = Slow });
        await ScreenshotAsync(page, "auditor-chain-audit");

        var other = await _people.Tokens("patient-jones").TransferAsync(_people.Key("patient-jones"), DemoPeople.Asset, _people.Key("dr-rivera").Account, 1);
        var tampered = (await File.ReadAllTextAsync(file)).Replace(receipt.TxId, other.TxId);
        await page.GetByLabel("Or paste it").FillAsync(tampered);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-verdict")).ToHaveTextAsync(
            $"✗ This receipt does not verify: the file names transaction {other.TxId}, but the transaction it holds is {receipt.TxId}.", new() { Timeout = Slow });

        await page.GetByLabel("Or paste it").FillAsync("{\"not\": \"a receipt\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-verdict")).ToHaveTextAsync("✗ This is not a receipt file: paste or choose the JSON that Save wrote.", new() { Timeout = Slow });
    }
}

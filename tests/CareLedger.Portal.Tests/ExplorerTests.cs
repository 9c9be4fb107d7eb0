using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

[Collection(PortalCollection.Name)]
public class ExplorerTests(BrowserFixture fx)
{
    [Fact]
    public async Task Overview_ShowsChainIdAndCurrentHeight()
    {
        var page = await fx.OpenAsync();
        var height = fx.Node.Chain.Head.Height;
        await Assertions.Expect(page.GetByTestId("chain-id")).ToHaveTextAsync("careledger-demo");
        Assert.True(ulong.Parse(await page.GetByTestId("height").InnerTextAsync()) >= height);
    }

    [Fact]
    public async Task Licences_ListTheDemoDoctorAsValid()
    {
        var page = await fx.OpenAsync("#licences");
        var row = page.Locator("tr", new() { HasText = "Dr. Ana Rivera" });
        await Assertions.Expect(row).ToContainTextAsync("general-practice");
        await Assertions.Expect(row).ToContainTextAsync("valid");
    }

    [Fact]
    public async Task Organisations_ListEveryDemoOrganisation()
    {
        var page = await fx.OpenAsync("#organisations");
        foreach (var name in new[] { "National Medical Board", "City Clinic", "Corner Pharmacy", "Central Laboratory", "Care Insurance", "Public Health Agency", "CareLedger Platform" })
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Lookup_OfACommittedTransaction_ShowsWhereItIs_NotWhatItDidOrWhoSentIt()
    {
        var keys = new KeyStore(Path.Combine(fx.Node.DataDir, "demo-keys"));
        using var patient = keys.Load("patient-jones", "demo");
        using var doctor = keys.Load("dr-rivera", "demo");
        var sent = await fx.Node.Client.SendAsync(patient, "tokens", "transfer",
            new CborMap { ["asset"] = "CARE", ["to"] = doctor.Account.ToString(), ["amount"] = 5L });

        var page = await fx.OpenAsync();
        await page.GetByPlaceholder("Block height, block hash or transaction id").FillAsync(sent.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Look up" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "committed", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tx-note")).ToContainTextAsync("shown to those it concerns");
        await Assertions.Expect(page.Locator("td", new() { HasTextString = "tokens.Transferred" })).ToHaveCountAsync(0);
        await page.GotoAsync(page.Url.Split('#')[0] + $"#block/{sent.Receipt!.Height}");
        await Assertions.Expect(page.GetByTestId("tx-note")).ToBeVisibleAsync();
        Assert.DoesNotContain(patient.Account.ToString()[..10], await page.ContentAsync());
    }

    [Fact]
    public async Task Organisations_ListStaffByName_AndNoPatient()
    {
        var page = await fx.OpenAsync("#organisations");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Dr. Ana Rivera", Exact = true })).ToBeVisibleAsync();
        Assert.DoesNotContain("Sam Jones", await page.ContentAsync());
    }

    [Fact]
    public async Task Lookup_OfGibberish_ShowsAClearError()
    {
        var page = await fx.OpenAsync();
        await page.GetByPlaceholder("Block height, block hash or transaction id").FillAsync("not-a-block");
        await page.GetByRole(AriaRole.Button, new() { Name = "Look up" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Enter a block height");
    }

    [Fact]
    public async Task UnknownBlock_ShowsTheNodesProblemDetail()
    {
        var page = await fx.OpenAsync("#block/999999");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No block '999999'");
    }
}

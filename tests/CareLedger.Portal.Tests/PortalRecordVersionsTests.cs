using CareLedger.Client.Records;
using CareLedger.Portal.Records;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.ClinicTestKit;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>A patient updates a record in the portal, sees its versions, and opens the earlier one, which the ledger still holds.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalRecordVersionsTests(BrowserFixture fx) : IDisposable
{
    private readonly ClinicTestKit _kit = new(fx);

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task PatientUpdatesACondition_TheLedgerHasTwoVersions_AndTheEarlierOneStillOpens()
    {
        var jones = _kit.Key("patient-jones");
        var records = new RecordsClient(_kit.As("patient-jones"));
        var first = $"Mild asthma {Guid.NewGuid():N}";
        var second = first.Replace("Mild", "Moderate", StringComparison.Ordinal);
        var record = (await records.AddAsync(jones, jones.Account, NewResources.Condition(jones.Account.ToString(), first, null))).Record;
        await using var context = await ContextAsync(fx);

        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/records/{record}").ToString());
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(first, new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("versions")).ToHaveCountAsync(0); // one version: nothing to choose from
        await page.GetByRole(AriaRole.Button, new() { Name = "Update this record…" }).ClickAsync();
        var editor = page.GetByLabel("The record as FHIR R4 JSON");
        await editor.FillAsync((await editor.InputValueAsync()).Replace(first, second, StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save as a new version" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(second, new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("versions").Locator("tbody tr")).ToHaveCountAsync(2);
        await ScreenshotAsync(page, "patient-record-versions");

        var history = await records.HistoryAsync(jones, record);
        Assert.Equal([1L, 2L], history.Versions.Select(v => v.Version).Order());
        Assert.All(history.Versions, v => Assert.Equal(jones.Account.ToString(), v.Author));
        Assert.Contains(second, (await records.ReadAsync(jones, record)).Json);

        await page.Locator("tr[data-version='1']").GetByRole(AriaRole.Link, new() { Name = "Open version 1" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(first, new() { Timeout = Slow });
        await Assertions.Expect(page.Locator("tr[data-version='1']")).ToContainTextAsync("shown");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Update this record…" })).ToHaveCountAsync(0); // only the latest is edited
    }

    [Fact]
    public async Task PatientUpdatesAfterARevoke_TheBrowserSealsANewKey_AndBothVersionsStillOpen()
    {
        var jones = _kit.Key("patient-jones");
        var records = new RecordsClient(_kit.As("patient-jones"));
        var first = $"Hay fever {Guid.NewGuid():N}";
        var second = first.Replace("Hay", "Seasonal hay", StringComparison.Ordinal);
        var record = (await records.AddAsync(jones, jones.Account, NewResources.Condition(jones.Account.ToString(), first, null))).Record;
        var grant = await records.GrantAsync(jones, _kit.Key("dr-rivera").Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        await records.RevokeAsync(jones, grant);
        await using var context = await ContextAsync(fx);

        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/records/{record}").ToString());
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(first, new() { Timeout = Slow });
        await page.GetByRole(AriaRole.Button, new() { Name = "Update this record…" }).ClickAsync();
        var editor = page.GetByLabel("The record as FHIR R4 JSON");
        await editor.FillAsync((await editor.InputValueAsync()).Replace(first, second, StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save as a new version" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(second, new() { Timeout = Slow });
        await page.Locator("tr[data-version='1']").GetByRole(AriaRole.Link, new() { Name = "Open version 1" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(first, new() { Timeout = Slow });

        var (latest, json) = await records.ReadAsync(jones, record);
        Assert.Contains(second, json);
        Assert.Equal(2, latest.KeyGeneration); // the browser wrapped a new data key: the revoked grantee's old one opens nothing after
    }
}

using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Records sealed in the browser (WebCryptoRecordCrypto, BrowserAccountKey) and in .NET (DotNetRecordCrypto, SigningKey)
/// open in the other: the SDK's record formats are the same on both primitives. Drives the lead's records pages.
/// </summary>
[Collection(PortalCollection.Name)]
public class BrowserRecordsTests(BrowserFixture fx)
{
    [Fact]
    public async Task RecordSealedInTheBrowser_OpensInDotNet_AndOneSealedInDotNet_OpensInTheBrowser()
    {
        using var patient = new KeyStore(Path.Combine(fx.Node.DataDir, "demo-keys")).Load("patient-jones", "demo");
        var records = new RecordsClient(fx.Node.Client);
        var fromDotNet = $"Sealed in dotnet {Guid.NewGuid():N}";
        var condition = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient.Account}" },
            ["code"] = new JsonObject { ["text"] = fromDotNet },
        };
        var sealedInDotNet = await records.AddAsync(patient, patient.Account, condition.ToJsonString());

        var page = await OpenKeysAsync(fx);
        await ImportAsync(page, DemoKeyFile(fx, "patient-jones"), "demo");
        await Assertions.Expect(page.GetByTestId("key-status")).ToContainTextAsync("you are signed in as", new() { Timeout = Slow });

        // In-app navigation only: a reload would forget the unlocked key.
        await page.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a record" }).ClickAsync();
        await page.GetByLabel("A condition").CheckAsync();
        var fromBrowser = $"Sealed in the browser {Guid.NewGuid():N}";
        await page.GetByLabel("Condition", new() { Exact = true }).FillAsync(fromBrowser);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save record" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(fromBrowser, new() { Timeout = Slow });

        var recordId = page.Url.Split('/')[^1];
        var (_, json) = await records.ReadAsync(patient, recordId);
        Assert.Contains(fromBrowser, json);

        await page.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true }).ClickAsync();
        await page.Locator($"a[href='records/{sealedInDotNet.Record}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("fhir-view")).ToContainTextAsync(fromDotNet, new() { Timeout = Slow });
    }
}

using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>A patient's measurements, decrypted in the page, charted over time with every value also in a table.</summary>
[Collection(PortalCollection.Name)]
public class PortalTrendsTests(BrowserFixture fx)
{
    [Fact]
    public async Task APatientsMeasurements_AreChartedOverTime_OnePointEach_OldestFirst()
    {
        using var patient = new KeyStore(Path.Combine(fx.Node.DataDir, "demo-keys")).Load("patient-jones", "demo");
        var records = new RecordsClient(fx.Node.Client);
        (string Date, string Value)[] readings = [("2026-10-02T07:30:00Z", "97.25"), ("2026-09-01T07:30:00Z", "101.5"), ("2026-11-03T07:30:00Z", "110.75")];
        foreach (var (date, value) in readings)
            await records.AddAsync(patient, patient.Account, $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2339-0","display":"Blood glucose"}],"text":"Blood glucose"},"subject":{"reference":"Patient/{{{patient.Account}}}"},"effectiveDateTime":"{{{date}}}","valueQuantity":{"value":{{{value}}},"unit":"mg/dL"}}""");

        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await page.GetByRole(AriaRole.Link, new() { Name = "Trends" }).ClickAsync();
        await page.GetByLabel("Measurement", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Blood glucose (3)" }, new() { Timeout = Slow });

        await Assertions.Expect(page.GetByTestId("trend-point")).ToHaveCountAsync(3);
        var rows = page.GetByTestId("trend-table").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("110.75 mg/dL"); // newest first in the table
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("101.5 mg/dL");
        // Oldest to newest from left to right; the highest value drawn highest (smallest y).
        var xs = await page.GetByTestId("trend-point").EvaluateAllAsync<double[]>("ps => ps.map(p => +p.getAttribute('cx'))");
        var ys = await page.GetByTestId("trend-point").EvaluateAllAsync<double[]>("ps => ps.map(p => +p.getAttribute('cy'))");
        Assert.True(xs[0] < xs[1] && xs[1] < xs[2], string.Join(",", xs));
        Assert.Equal(ys.Min(), ys[2]);
        await ScreenshotAsync(page, "patient-trends");
    }
}

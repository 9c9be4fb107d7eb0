using System.Text;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A patient and their doctor, each in their own browser (context), on a real node: the patient records a measurement,
/// shares it, the doctor reads it, the patient stops sharing, the doctor no longer can, and the patient's access log
/// shows both reads. Every request the pages send is kept, to check that no private key and no plaintext left them.
/// </summary>
[Collection(PortalCollection.Name)]
public class PortalRecordsTests(BrowserFixture fx)
{
    [Fact]
    public async Task PatientSharesAMeasurement_DoctorReadsIt_PatientStopsSharing_DoctorCannot_AndTheLogShowsBoth()
    {
        var keys = new KeyStore(Path.Combine(fx.Node.DataDir, "demo-keys"));
        var patientAccount = keys.Show("patient-jones").Account.ToString();
        var value = Random.Shared.Next(150, 190).ToString(); // a heart rate no other test writes
        var sent = new List<IRequest>();

        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();
        patientContext.Request += (_, r) => { lock (sent) sent.Add(r); };
        doctorContext.Request += (_, r) => { lock (sent) sent.Add(r); };

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        // No ledger names a patient: the greeting comes from their own Patient record, decrypted in the page.
        await Assertions.Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Hello, Sam Jones", new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("signed-in-as")).ToHaveTextAsync("Sam Jones (patient)");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Add one" }).ClickAsync();
        await patient.GetByLabel("Measurement", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Heart rate (beats per minute)" });
        await patient.GetByLabel("Value", new() { Exact = true }).FillAsync(value);
        await patient.GetByRole(AriaRole.Button, new() { Name = "Save record" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync($"{value} beats per minute", new() { Timeout = Slow });
        await ScreenshotAsync(patient, "patient-record");

        await patient.GetByRole(AriaRole.Link, new() { Name = "Sharing" }).ClickAsync();
        await patient.GetByLabel("With", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Dr. Ana Rivera (practitioner)" });
        await Assertions.Expect(patient.GetByTestId("grant-summary")).ToContainTextAsync("Dr. Ana Rivera will be able to read your measurements and results");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        // Other tests' grants to her may be in force too (a booking shares its symptoms): this one is by type of record.
        var grantRow = patient.GetByTestId("grants").Locator("tr", new() { HasText = "Dr. Ana Rivera" }).Filter(new() { HasText = "in force" })
            .Filter(new() { HasText = "measurement or result" });
        await Assertions.Expect(grantRow).ToHaveCountAsync(1, new() { Timeout = Slow });
        await ScreenshotAsync(patient, "patient-sharing");

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await doctor.GetByRole(AriaRole.Link, new() { Name = "Patients" }).ClickAsync();
        await doctor.GetByLabel("Patient's account").FillAsync(patientAccount);
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Show records shared with me" }).ClickAsync();
        await doctor.GetByTestId("shared-records").GetByRole(AriaRole.Link, new() { Name = "Open" }).First.ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("fhir-view")).ToContainTextAsync($"{value} beats per minute", new() { Timeout = Slow });
        var recordUrl = doctor.Url;
        await ScreenshotAsync(doctor, "doctor-record");

        await grantRow.GetByRole(AriaRole.Button, new() { Name = "Stop sharing with Dr. Ana Rivera" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("grants").Locator("tr", new() { HasText = "withdrawn" }).First).ToBeVisibleAsync(new() { Timeout = Slow });

        await doctor.GetByRole(AriaRole.Link, new() { Name = "Patients" }).ClickAsync();
        await doctor.GetByLabel("Patient's account").FillAsync(patientAccount);
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Show records shared with me" }).ClickAsync();
        // The measurement is gone from her list (other tests' bookings may share other records with her).
        await Assertions.Expect(doctor.GetByTestId("no-shared-records").Or(doctor.GetByTestId("shared-records"))).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctor.Locator($"a[href='records/{recordUrl[(recordUrl.LastIndexOf('/') + 1)..]}']")).ToHaveCountAsync(0, new() { Timeout = Slow });
        await doctor.EvaluateAsync("url => Blazor.navigateTo(url)", recordUrl); // the record's address, within the app
        await Assertions.Expect(doctor.GetByRole(AriaRole.Alert)).ToContainTextAsync("revoked", new() { Timeout = Slow });

        await patient.GetByRole(AriaRole.Link, new() { Name = "Who read my records" }).ClickAsync();
        var rivera = patient.GetByTestId("access-log").Locator("tr", new() { HasText = "Dr. Ana Rivera" });
        await Assertions.Expect(rivera.Filter(new() { HasText = "refused" }).First).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(rivera.Filter(new() { HasText = "treatment" }).Filter(new() { HasTextString = "read" }).First).ToBeVisibleAsync();
        var readRow = rivera.Filter(new() { HasText = "treatment" }).First;
        await readRow.GetByRole(AriaRole.Button, new() { NameString = "Verify the receipt" }).ClickAsync();
        await Assertions.Expect(readRow.GetByTestId("receipt-verdict")).ToContainTextAsync("✓ in block", new() { Timeout = Slow });
        await Assertions.Expect(readRow.GetByTestId("receipt-verdict")).ToContainTextAsync("signed by 1 of 1 validators");
        await ScreenshotAsync(patient, "patient-access-log");
        await patient.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("records")).ToBeVisibleAsync(new() { Timeout = Slow });
        await ScreenshotAsync(patient, "patient-records");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Home", Exact = true }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("record-count")).Not.ToHaveTextAsync("…", new() { Timeout = Slow });
        await ScreenshotAsync(patient, "patient-home");

        // Nothing secret left either browser: no private key (in any encoding the pages could use) and no plaintext record.
        using var patientKey = keys.Load("patient-jones", "demo");
        using var doctorKey = keys.Load("dr-rivera", "demo");
        var secrets = new[] { patientKey.ExportPkcs8(), doctorKey.ExportPkcs8() }
            .SelectMany(k => new[] { Convert.ToBase64String(k), Convert.ToHexString(k), Convert.ToHexStringLower(k) }).ToList();
        var leaks = new List<string>();
        foreach (var request in sent.ToList())
        {
            var body = request.PostDataBuffer is { } b ? Encoding.UTF8.GetString(b) : "";
            var everything = request.Url + "\n" + string.Join("\n", (await request.AllHeadersAsync()).Select(h => h.Key + ": " + h.Value)) + "\n" + body;
            if (secrets.Any(everything.Contains)) leaks.Add($"{request.Method} {request.Url} carries a private key");
            if (everything.Contains("8867-4") || everything.Contains("beats per minute") || everything.Contains("Sam Jones"))
                leaks.Add($"{request.Method} {request.Url} carries a plaintext record");
        }
        Assert.Empty(leaks);
        Assert.Contains(sent, r => r.Method == "POST" && r.Url.Contains("/versions/1/content")); // the record did go out, as ciphertext
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A prescription through the portal in three browsers on a real demo node: Dr. Rivera prescribes amoxicillin to a patient
/// allergic to penicillins and must acknowledge the alert; the patient shows it to Corner Pharmacy as a QR code; Li Chen
/// reads the QR code from a screenshot of the patient's screen, checks it and dispenses part of the fill; the patient presents
/// again and Li Chen, typing the code this time, dispenses the rest; the used-up code is then refused in one sentence.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalPrescriptionTests(BrowserFixture fx) : IDisposable
{
    private readonly KeyStore _keys = new(Path.Combine(fx.Node.DataDir, "demo-keys"));
    private readonly Dictionary<string, SigningKey> _loaded = [];
    private SigningKey Key(string name) => _loaded.TryGetValue(name, out var k) ? k : _loaded[name] = _keys.Load(name, "demo");

    public void Dispose()
    {
        foreach (var key in _loaded.Values) key.Dispose();
    }

    /// <summary>The patient records a penicillin allergy and lets Dr. Rivera read their allergies and medicines, as treatment support needs.</summary>
    private async Task GiveThePatientAPenicillinAllergyAsync()
    {
        var patient = Key("patient-jones");
        var records = new RecordsClient(fx.Node.Client.As(patient));
        var allergy = $$$"""
            {"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/{{{patient.Account}}}"},"criticality":"high",
             "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},
             "code":{"coding":[{"system":"http://www.whocc.no/atc","code":"J01C","display":"penicillins"}],"text":"penicillins"}}
            """;
        await records.AddAsync(patient, patient.Account, allergy);
        await records.GrantAsync(patient, Key("dr-rivera").Account.ToString(), null, "treatment", [],
            ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"], DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public async Task DoctorAcknowledgesAnAllergyAlert_PatientShowsAQrCode_PharmacistScansItAndDispenses_AUsedCodeIsRefused()
    {
        await GiveThePatientAPenicillinAllergyAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();
        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var pharmacyContext = await fx.Browser.NewContextAsync();

        // The doctor prescribes; treatment support stops her until she acknowledges the allergy.
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await NavAsync(doctor, "Prescribe");
        await doctor.GetByLabel("Patient's account").FillAsync(Key("patient-jones").Account.ToString(), new() { Timeout = Slow });
        await doctor.GetByLabel("Medication").SelectOptionAsync(new SelectOptionValue { Label = "amoxicillin" });
        await doctor.GetByLabel("How to take it").FillAsync("one capsule three times a day for a week");
        await doctor.GetByLabel("Doses a day").FillAsync("3");
        await doctor.GetByLabel("Doses per fill").FillAsync("20");
        await doctor.GetByLabel("Fills (the first and its refills)").FillAsync("1");
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Prescribe", Exact = true }).ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("alerts")).ToContainTextAsync("The patient is allergic to penicillins", new() { Timeout = Slow });
        await ScreenshotAsync(doctor, "doctor-prescribe-alert");
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Prescribe", Exact = true }).ClickAsync();
        await Assertions.Expect(doctor.Locator("p.problem")).ToHaveTextAsync("Tick the box to acknowledge the alerts, or change the prescription.");
        await doctor.GetByLabel("I have read these alerts and prescribe anyway").CheckAsync();
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Prescribe", Exact = true }).ClickAsync();
        var issued = doctor.GetByTestId("issued");
        await Assertions.Expect(issued).ToContainTextAsync("acknowledged alert", new() { Timeout = Slow });
        var id = RxId().Match(await issued.InnerTextAsync()).Value;
        await Assertions.Expect(doctor.Locator($"tr[data-prescription='{id}']")).ToContainTextAsync("amoxicillin: one capsule three times a day");
        await ScreenshotAsync(doctor, "doctor-prescribed");

        // The patient shows it to Corner Pharmacy.
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await NavAsync(patient, "My prescriptions");
        var row = patient.Locator($"tr[data-prescription='{id}']");
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("1 of 1 fill left", new() { Timeout = Slow });
        var typed = await PresentAsync(patient, row);
        await Assertions.Expect(patient.GetByTestId("presentation")).Not.ToContainTextAsync("amoxicillin"); // nothing clinical for a bystander
        await ScreenshotAsync(patient, "patient-prescription-qr");

        // The pharmacist's scanner reads the patient's screen.
        var pharmacist = await SignInAsDemoAsync(fx, pharmacyContext, "Li Chen");
        await NavAsync(pharmacist, "Dispense");
        // The code is a PNG in a data: URL, decoded by the browser in its own time: the camera sees it once it is drawn.
        await patient.GetByTestId("qr").EvaluateAsync("image => image.decode()");
        // Like a camera, the scanner looks again when a frame does not read (a busy machine may still be painting the page).
        string? scanned = null;
        for (var look = 0; look < 5 && scanned is null; look++)
        {
            if (look > 0) await patient.WaitForTimeoutAsync(500);
            scanned = await ScanAsync(pharmacist, await patient.GetByTestId("qr").ScreenshotAsync());
        }
        Assert.Equal(typed, scanned);
        await CheckCodeAsync(pharmacist, scanned!);
        await Assertions.Expect(pharmacist.GetByTestId("prescriber")).ToHaveTextAsync("Dr. Ana Rivera, licensed now and when signing");
        await Assertions.Expect(pharmacist.GetByTestId("checked")).ToContainTextAsync("opens the ledger's seal");
        await ScreenshotAsync(pharmacist, "pharmacist-check");
        await pharmacist.GetByLabel("Doses to hand over").FillAsync("8");
        await pharmacist.GetByRole(AriaRole.Button, new() { Name = "Dispense", Exact = true }).ClickAsync();
        await Assertions.Expect(pharmacist.GetByTestId("dispensed")).ToHaveTextAsync(
            "Dispensed 8 doses of amoxicillin (fill 1 of 1); 12 doses stay due in this fill.", new() { Timeout = Slow });
        await ScreenshotAsync(pharmacist, "pharmacist-dispensed-partly");

        // The code is used up: the patient presents again and reads the new code out; the pharmacist types it.
        await NavAsync(patient, "Home");
        await NavAsync(patient, "My prescriptions");
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("1 of 1 fill left; 12 of 20 doses left in this fill; 8 doses dispensed", new() { Timeout = Slow });
        var second = await PresentAsync(patient, row);
        Assert.NotEqual(typed, second);
        await CheckCodeAsync(pharmacist, second);
        await pharmacist.GetByRole(AriaRole.Button, new() { Name = "Dispense", Exact = true }).ClickAsync();
        await Assertions.Expect(pharmacist.GetByTestId("dispensed")).ToHaveTextAsync(
            "Dispensed 12 doses of amoxicillin (fill 1 of 1); that was the last fill.", new() { Timeout = Slow });

        // A second dispense on the same code finds nothing left to dispense, and says so in one sentence.
        await pharmacist.GetByLabel("Prescription code", new() { Exact = false }).FillAsync(second);
        await pharmacist.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Assertions.Expect(pharmacist.Locator("p.problem")).ToHaveTextAsync(
            $"Prescription {id} is not presented to corner-pharmacy: a pharmacy sees a prescription only while the patient presents it there, " +
            "and each dispense uses up the presentation (the patient presents again for the next fill).", new() { Timeout = Slow });
        await Assertions.Expect(pharmacist.GetByTestId("check")).ToHaveCountAsync(0);
        await ScreenshotAsync(pharmacist, "pharmacist-refused");

        await NavAsync(patient, "Home");
        await NavAsync(patient, "My prescriptions");
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("All 1 fill dispensed; 20 doses dispensed", new() { Timeout = Slow });
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Show to a pharmacy" })).ToHaveCountAsync(0);
        await row.GetByRole(AriaRole.Button, new() { Name = "I took a dose" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("1 taken so far", new() { Timeout = Slow });
        await ScreenshotAsync(patient, "patient-prescriptions-dispensed");
    }

    /// <summary>
    /// What the Prescribe page relies on: issuing with the alerts the doctor read is refused when another alert has appeared
    /// since (here a second allergy recorded meanwhile), with every alert to read again; with those read, it goes through.
    /// </summary>
    [Fact]
    public async Task IssuingWithTheAlertsRead_IsRefusedWhenAnAlertAppearedSince_ThenGoesThroughOnceItIsRead()
    {
        var (patient, doctor) = (Key("patient-jones"), Key("dr-rivera"));
        var records = new RecordsClient(fx.Node.Client.As(patient));
        await records.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [],
            ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"], DateTimeOffset.UtcNow.AddDays(1));
        await records.AddAsync(patient, patient.Account, Allergy(patient.Account, "http://www.whocc.no/atc", "M01AE", "propionic acid NSAIDs"));
        var prescriptions = new PrescriptionsClient(fx.Node.Client.As(doctor));
        var order = new PrescriptionOrder(patient.Account, new Medication("rxnorm", "5640", "ibuprofen"), "one tablet with food when needed", 10, 1, TimeSpan.FromDays(7), 3);

        var shown = (await Assert.ThrowsAsync<PrescriptionException>(() => prescriptions.IssueAsync(doctor, order, read: []))).Alerts;
        Assert.Contains(shown, a => a.Code == "allergy:atc:M01AE");
        Assert.DoesNotContain(shown, a => a.Code == "allergy:rxnorm:5640");
        await records.AddAsync(patient, patient.Account, Allergy(patient.Account, "http://www.nlm.nih.gov/research/umls/rxnorm", "5640", "ibuprofen"));

        var again = (await Assert.ThrowsAsync<PrescriptionException>(() => prescriptions.IssueAsync(doctor, order, read: shown))).Alerts;
        Assert.Contains(again, a => a.Code == "allergy:rxnorm:5640");
        var issued = await prescriptions.IssueAsync(doctor, order, read: again);
        Assert.Equal(again.Select(a => a.Code), issued.Alerts.Select(a => a.Code));
    }

    private static string Allergy(AccountId patient, string system, string code, string name) => $$$"""
        {"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/{{{patient}}}"},"criticality":"high",
         "code":{"coding":[{"system":"{{{system}}}","code":"{{{code}}}","display":"{{{name}}}"}],"text":"{{{name}}}"}}
        """;

    /// <summary>Presents the prescription of a row to Corner Pharmacy and returns the code shown in words.</summary>
    private static async Task<string> PresentAsync(IPage patient, ILocator row)
    {
        await row.GetByLabel("Pharmacy", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Corner Pharmacy" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Show to a pharmacy" }).ClickAsync();
        var code = patient.GetByTestId("pharmacy-code");
        await Assertions.Expect(code).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(row.GetByTestId("status")).ToContainTextAsync("presented to Corner Pharmacy", new() { Timeout = Slow });
        return await code.InnerTextAsync();
    }

    private static async Task CheckCodeAsync(IPage pharmacist, string code)
    {
        await pharmacist.GetByLabel("Prescription code", new() { Exact = false }).FillAsync(code);
        await pharmacist.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Assertions.Expect(pharmacist.GetByTestId("medication")).ToHaveTextAsync("amoxicillin", new() { Timeout = Slow });
    }

    /// <summary>
    /// Decodes a screenshot of a QR code as a scanner would: the pharmacist's browser turns the PNG into pixels (a canvas),
    /// and ZXing finds the code in them.
    /// </summary>
    private static async Task<string?> ScanAsync(IPage page, byte[] png)
    {
        var pixels = await page.EvaluateAsync<JsonElement>("""
            async base64 => {
                const image = new Image();
                image.src = 'data:image/png;base64,' + base64;
                await image.decode();
                const canvas = document.createElement('canvas');
                [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
                const context = canvas.getContext('2d');
                context.drawImage(image, 0, 0);
                const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
                let text = '';
                for (let i = 0; i < data.length; i += 8192) text += String.fromCharCode.apply(null, data.subarray(i, i + 8192));
                return { width: canvas.width, height: canvas.height, rgba: btoa(text) };
            }
            """, Convert.ToBase64String(png));
        var source = new RGBLuminanceSource(Convert.FromBase64String(pixels.GetProperty("rgba").GetString()!),
            pixels.GetProperty("width").GetInt32(), pixels.GetProperty("height").GetInt32(), RGBLuminanceSource.BitmapFormat.RGBA32);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)))?.Text;
    }

    /// <summary>Follows a link of the main navigation, within the app.</summary>
    private static Task NavAsync(IPage page, string link) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();

    [GeneratedRegex("rx-[0-9a-f]{12}")]
    private static partial Regex RxId();
}

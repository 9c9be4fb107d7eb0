using CareLedger.Client.Records;
using CareLedger.Portal.Records;
using DocumentReference = Hl7.Fhir.Model.DocumentReference;
using Observation = Hl7.Fhir.Model.Observation;
using Quantity = Hl7.Fhir.Model.Quantity;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.ClinicTestKit;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Dr. Rivera opens a patient's chart (the records they granted her, by type, with their measurements charted), writes a
/// clinical note and a measurement into the patient's records where the grant allows, and refers the patient to the
/// laboratory; the patient reads the note and sees the referral in their own browser.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalChartTests(BrowserFixture fx) : IDisposable
{
    private readonly ClinicTestKit _kit = new(fx);

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task DoctorReadsTheChart_WritesANoteAndAMeasurement_AndRefers_ThePatientReadsTheNoteAndSeesTheReferral()
    {
        var jones = _kit.Key("patient-jones");
        var rivera = _kit.Key("dr-rivera");
        var records = new RecordsClient(_kit.As("patient-jones"));
        await records.AddAsync(jones, jones.Account, NewResources.Observation(jones.Account.ToString(), NewResources.VitalSigns[0], 64, DateTimeOffset.UtcNow.AddDays(-2)));
        await records.AddAsync(jones, jones.Account, NewResources.Observation(jones.Account.ToString(), NewResources.VitalSigns[0], 71, DateTimeOffset.UtcNow.AddDays(-1)));
        await _kit.GrantAsync("patient-jones", "dr-rivera", ["Patient", "Observation", "DocumentReference"]);
        try { await ChartAsync(jones, rivera, records); }
        finally { await _kit.WithdrawGrantsAsync(); }
    }

    private async Task ChartAsync(CareLedger.Ledger.Cryptography.SigningKey jones, CareLedger.Ledger.Cryptography.SigningKey rivera, RecordsClient records)
    {
        var before = (await records.ListAsync(jones)).Select(r => r.Record).ToHashSet();
        var note = $"Reviewed home readings {Guid.NewGuid():N}: resting heart rate normal; keep walking daily.";
        await using var doctorContext = await ContextAsync(fx);
        await using var patientContext = await ContextAsync(fx);

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await NavAsync(doctor, "Patients");
        await doctor.GetByLabel("Patient's account").FillAsync(jones.Account.ToString());
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Show records shared with me" }).ClickAsync();
        await doctor.GetByRole(AriaRole.Link, new() { Name = "Open the chart" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Chart of Sam Jones" })).ToBeVisibleAsync(new() { Timeout = Slow });
        var measurements = doctor.Locator("section[data-type='Observation']");
        await Assertions.Expect(measurements).ToBeVisibleAsync(new() { Timeout = Slow });
        await doctor.GetByRole(AriaRole.Button, new() { NameRegex = new("^Chart the \\d+ measurements$") }).ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("trend-chart")).ToBeVisibleAsync(new() { Timeout = Slow });
        Assert.True(await doctor.GetByTestId("trend-point").CountAsync() >= 2);

        await doctor.GetByLabel("What you write").SelectOptionAsync("DocumentReference");
        await doctor.GetByLabel("Note").FillAsync(note);
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Add to the chart" }).ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("written")).ToBeVisibleAsync(new() { Timeout = Slow });
        await doctor.GetByLabel("What you write").SelectOptionAsync("Observation");
        await doctor.GetByLabel("Which measurement").SelectOptionAsync("heart-rate");
        await doctor.GetByLabel("Value").FillAsync("88");
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Add to the chart" }).ClickAsync();
        await Assertions.Expect(doctor.Locator("section[data-type='Observation'] li")).ToHaveCountAsync(await measurements.Locator("li").CountAsync() + 1, new() { Timeout = Slow });
        Assert.Equal(0, await doctor.GetByRole(AriaRole.Alert).CountAsync());

        await doctor.GetByLabel("Refer to", new() { Exact = true }).SelectOptionAsync("central-lab");
        await doctor.GetByLabel("Examination").FillAsync("loinc:24627-2");
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Refer", Exact = true }).ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("referrals-written")).ToContainTextAsync("loinc:24627-2", new() { Timeout = Slow });
        await ScreenshotAsync(doctor, "doctor-chart");

        // On the ledger: the note and the measurement are the patient's records, written by her; the referral names the lab.
        var mine = await records.ListAsync(jones);
        var written = mine.Where(r => !before.Contains(r.Record)).ToList();
        Assert.All(written, r => Assert.Equal(rivera.Account.ToString(), r.Author));
        var noteRecord = written.Single(r => r.Type == "DocumentReference");
        var (_, noteJson) = await records.ReadAsync(jones, noteRecord.Record);
        Assert.Contains(note, System.Text.Encoding.UTF8.GetString(((DocumentReference)CareLedger.Vault.Fhir.FhirResources.Parse(noteJson).Resource!).Content[0].Attachment.Data!));
        var (_, measured) = await records.ReadAsync(jones, written.Single(r => r.Type == "Observation").Record);
        Assert.Equal(88m, ((Quantity)((Observation)CareLedger.Vault.Fhir.FhirResources.Parse(measured).Resource!).Value!).Value);
        var referral = (await _kit.Services("patient-jones").ListReferralsAsync(jones.Account)).OrderBy(r => r.Created).Last();
        Assert.Equal((rivera.Account, "central-lab", "loinc:24627-2", ""), (referral.From, referral.Org, referral.Examination, referral.Booking));

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await NavAsync(patient, "Referrals");
        var row = patient.Locator($"tr[data-referral='{referral.Id}']");
        await Assertions.Expect(row).ToContainTextAsync("Dr. Ana Rivera", new() { Timeout = Slow });
        await Assertions.Expect(row).ToContainTextAsync("Central Laboratory");
        await Assertions.Expect(row.GetByTestId("status")).ToContainTextAsync("Open");
        await ScreenshotAsync(patient, "patient-referrals");
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/records/{noteRecord.Record}").ToString());
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync(note, new() { Timeout = Slow });
    }

    [Fact]
    public async Task WithoutAGrantToWrite_TheChartSaysSo_AndOffersNoForm()
    {
        var lee = await NewPatientAsync();
        await using var context = await ContextAsync(fx);
        var doctor = await SignInAsDemoAsync(fx, context, "Dr. Ana Rivera");
        await doctor.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/chart/{lee}").ToString());
        await Assertions.Expect(doctor.GetByTestId("cannot-write")).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("no-shared-records")).ToBeVisibleAsync();
        Assert.Equal(0, await doctor.GetByRole(AriaRole.Button, new() { Name = "Add to the chart" }).CountAsync());
    }

    /// <summary>A patient registered just now by the clinic, who has shared nothing with anyone.</summary>
    private async Task<CareLedger.Ledger.Cryptography.AccountId> NewPatientAsync()
    {
        using var key = CareLedger.Ledger.Cryptography.SigningKey.Generate();
        await new CareLedger.Client.Membership.MembershipClient(_kit.As("clinic-admin")).RegisterAsync(_kit.Key("clinic-admin"), key.Account, "patient");
        return key.Account;
    }
}

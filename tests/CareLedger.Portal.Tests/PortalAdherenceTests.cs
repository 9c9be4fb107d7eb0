using CareLedger.Client.Prescriptions;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.ClinicTestKit;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>A patient checks in the doses they take of a dispensed prescription and sees their adherence as the ledger counts it.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalAdherenceTests(BrowserFixture fx) : IDisposable
{
    private readonly ClinicTestKit _kit = new(fx);

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task PatientChecksInTheTwoDosesOfTheDay_TheLedgerCountsThem_AThirdIsRefused_AndThePageShowsTheAdherence()
    {
        var jones = _kit.Key("patient-jones");
        await _kit.GrantAsync("patient-jones", "dr-rivera", ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"]);
        try { await CheckInAsync(jones); }
        finally { await _kit.WithdrawGrantsAsync(); }
    }

    private async Task CheckInAsync(CareLedger.Ledger.Cryptography.SigningKey jones)
    {
        var rx = new PrescriptionsClient(_kit.As("dr-rivera"));
        var order = new PrescriptionOrder(jones.Account, new Medication("rxnorm", "29046", "lisinopril 10 mg"), "one tablet twice daily", 30, 1, TimeSpan.FromDays(30), 2);
        var issued = await rx.IssueAsync(_kit.Key("dr-rivera"), order, acknowledgeAlerts: true);
        var presented = await new PrescriptionsClient(_kit.As("patient-jones")).PresentAsync(jones, issued.Id, "corner-pharmacy", 0, null);
        await new PrescriptionsClient(_kit.As("pharmacist-chen")).DispenseAsync(_kit.Key("pharmacist-chen"), issued.Id, presented.Code, 30, 0);
        var before = (await new PrescriptionsClient(_kit.As("patient-jones")).AdherenceAsync(jones.Account)).Taken;
        await using var context = await ContextAsync(fx);

        var patient = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await NavAsync(patient, "My prescriptions");
        var row = patient.Locator($"tr[data-prescription='{issued.Id}']");
        await row.GetByRole(AriaRole.Button, new() { Name = "I took a dose" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(row).ToContainTextAsync("1 taken so far", new() { Timeout = Slow });
        await row.GetByRole(AriaRole.Button, new() { Name = "I took a dose" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("2 taken so far", new() { Timeout = Slow });

        // A third dose today is more than the prescription schedules: refused in one sentence, nothing counted.
        await row.GetByRole(AriaRole.Button, new() { Name = "I took a dose" }).ClickAsync();
        await Assertions.Expect(patient.GetByRole(AriaRole.Alert)).ToHaveTextAsync("All 2 doses scheduled today are already checked in.", new() { Timeout = Slow });
        await Assertions.Expect(row).ToContainTextAsync("2 taken so far");

        var line = patient.Locator($"tr[data-adherence='{issued.Id}']");
        await Assertions.Expect(line).ToContainTextAsync("lisinopril 10 mg", new() { Timeout = Slow });
        await Assertions.Expect(line.GetByTestId("taken")).ToHaveTextAsync("2");
        var report = await new PrescriptionsClient(_kit.As("patient-jones")).AdherenceAsync(jones.Account);
        Assert.Equal(before + 2, report.Taken);
        Assert.Equal(2, report.Prescriptions.Single(p => p.Prescription == issued.Id).Taken);
        await Assertions.Expect(patient.GetByTestId("adherence-total")).ToContainTextAsync($"You checked in {report.Taken} of {report.Scheduled} scheduled doses");
        await ScreenshotAsync(patient, "patient-adherence");
    }
}

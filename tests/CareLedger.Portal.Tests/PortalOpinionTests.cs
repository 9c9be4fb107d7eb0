using CareLedger.Client.Records;
using CareLedger.Contracts.Services;
using CareLedger.Portal.Records;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.ClinicTestKit;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A second opinion through the portal, each party in their own browser: the patient puts a record before Dr. Rivera and
/// pays the fee into escrow; she reads the record, writes her opinion and is paid; the patient reads the opinion.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalOpinionTests(BrowserFixture fx) : IDisposable
{
    private const long Fee = 30;
    private readonly ClinicTestKit _kit = new(fx);

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task PatientAsksAndPays_DoctorReadsTheRecordAndAnswers_IsPaid_AndThePatientReadsTheOpinion()
    {
        var jones = _kit.Key("patient-jones");
        var rivera = _kit.Key("dr-rivera");
        var record = (await new RecordsClient(_kit.As("patient-jones")).AddAsync(jones, jones.Account,
            NewResources.Observation(jones.Account.ToString(), NewResources.VitalSigns[5], 131, DateTimeOffset.UtcNow.AddHours(-3)))).Record;
        var opinion = $"A fasting glucose of 131 mg/dL suggests diabetes; repeat it and test HbA1c. ({Guid.NewGuid():N})";
        var (patientBefore, doctorBefore) = (await _kit.BalanceAsync("patient-jones"), await _kit.BalanceAsync("dr-rivera"));
        await using var patientContext = await ContextAsync(fx);
        await using var doctorContext = await ContextAsync(fx);

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await NavAsync(patient, "Second opinions");
        await patient.Locator($"input[type=checkbox][value='{record}']").CheckAsync(new() { Timeout = Slow });
        await patient.GetByLabel("Doctor", new() { Exact = true }).SelectOptionAsync(rivera.Account.ToString());
        await patient.GetByLabel("Fee for the opinion").FillAsync(Fee.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await patient.GetByLabel("Days the doctor has to answer").FillAsync("5");
        await ScreenshotAsync(patient, "patient-ask-opinion");
        try { await AskAndAnswerAsync(patient, doctorContext, record, opinion, patientBefore, doctorBefore); }
        finally
        {
            await _kit.TrackGrantsOfRecordsAsync("patient-jones", [record]);
            await _kit.WithdrawGrantsAsync();
        }
    }

    private async Task AskAndAnswerAsync(IPage patient, IBrowserContext doctorContext, string record, string opinion, long patientBefore, long doctorBefore)
    {
        var jones = _kit.Key("patient-jones");
        var rivera = _kit.Key("dr-rivera");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Ask and pay" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("balance")).ToHaveTextAsync((patientBefore - Fee).ToString(), new() { Timeout = Slow });
        var opened = (await _kit.Services("patient-jones").ListCasesAsync(jones.Account)).Single(c => c.Records.Contains(record));
        Assert.Equal([rivera.Account.ToString()], opened.Practitioners);
        Assert.Equal((Fee, CaseStatus.Open), (opened.Fee, opened.Status));
        await Assertions.Expect(patient.Locator($"tr[data-case='{opened.Id}']").GetByTestId("status")).ToContainTextAsync("0 of 1 answered");

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await NavAsync(doctor, "Opinion requests");
        var asked = doctor.Locator($"section[data-case='{opened.Id}']");
        await asked.GetByRole(AriaRole.Button, new() { NameRegex = new("^Open record") }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(asked.GetByTestId("fhir-view")).ToContainTextAsync("131 mg/dL", new() { Timeout = Slow });
        await asked.GetByRole(AriaRole.Textbox, new() { Name = "Your opinion" }).FillAsync(opinion);
        await ScreenshotAsync(doctor, "doctor-opinion-requests");
        await asked.GetByRole(AriaRole.Button, new() { Name = "Send the opinion" }).ClickAsync();
        var fee = (await _kit.Services("dr-rivera").GetTermsAsync()).FeeOn(Fee);
        await Assertions.Expect(asked.GetByTestId("status")).ToContainTextAsync($"were paid {Fee - fee} CARE", new() { Timeout = Slow });

        // The ledger: the case is closed with her opinion's hash, the fee less the operator's share went to her, nothing came back.
        var closed = (await _kit.Services("patient-jones").GetCaseAsync(opened.Id))!;
        Assert.Equal(CaseStatus.Closed, closed.Status);
        Assert.Equal(Fee - fee, closed.Opinions[rivera.Account.ToString()].Paid);
        Assert.Equal(doctorBefore + Fee - fee, await _kit.BalanceAsync("dr-rivera"));
        Assert.Equal(patientBefore - Fee, await _kit.BalanceAsync("patient-jones"));

        await NavAsync(patient, "Home");
        await NavAsync(patient, "Second opinions");
        var row = patient.Locator($"tr[data-case='{opened.Id}']");
        await Assertions.Expect(row.GetByTestId("status")).ToContainTextAsync("Closed: answered", new() { Timeout = Slow });
        await row.GetByRole(AriaRole.Button, new() { Name = "Read the opinion" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("opinion-text")).ToHaveTextAsync(opinion, new() { Timeout = Slow });
        await Assertions.Expect(row).ToContainTextAsync("Dr. Ana Rivera");
        await ScreenshotAsync(patient, "patient-opinions");
    }

    [Fact]
    public async Task AskingWithMoreThanTheWalletHolds_SaysSo_AndOpensNoCaseAndSharesNothing()
    {
        var jones = _kit.Key("patient-jones");
        var balance = await _kit.BalanceAsync("patient-jones");
        var casesBefore = (await _kit.Services("patient-jones").ListCasesAsync(jones.Account)).Count;
        var grantsBefore = (await new RecordsClient(_kit.As("patient-jones")).GrantsAsync(jones.Account)).Count;
        await using var context = await ContextAsync(fx);
        var patient = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await NavAsync(patient, "Second opinions");
        await patient.Locator("input[type=checkbox]").First.CheckAsync(new() { Timeout = Slow });
        await patient.GetByLabel("Doctor", new() { Exact = true }).SelectOptionAsync(_kit.Key("dr-rivera").Account.ToString());
        await patient.GetByLabel("Fee for the opinion").FillAsync((balance + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await patient.GetByRole(AriaRole.Button, new() { Name = "Ask and pay" }).ClickAsync();

        await Assertions.Expect(patient.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your wallet holds", new() { Timeout = Slow });
        Assert.Equal(casesBefore, (await _kit.Services("patient-jones").ListCasesAsync(jones.Account)).Count);
        Assert.Equal(grantsBefore, (await new RecordsClient(_kit.As("patient-jones")).GrantsAsync(jones.Account)).Count);
        Assert.Equal(balance, await _kit.BalanceAsync("patient-jones"));
    }
}

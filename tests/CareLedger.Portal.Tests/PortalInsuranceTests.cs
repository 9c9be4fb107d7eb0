using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Contracts.Services;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// An insurer in the portal funds its treasury and covers Sam Jones; Sam books Dr. Rivera paying through that cover; the
/// insurer's treasury pays, not the patient's wallet, and the insurer sees the booking's money and status, never its symptoms.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalInsuranceTests(BrowserFixture fx) : IDisposable
{
    private const string Insurer = "care-insurance";
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    private async Task<Coverage> CoverageAsync() =>
        (await _people.Services("patient-jones").GetCoverageAsync(_people.Key("patient-jones").Account)).Single(c => c.Insurer == Insurer);

    [Fact]
    public async Task InsurerFundsItsTreasuryAndCoversAPatient_PatientBooksOnCover_TheTreasuryPaysAndThePatientsWalletIsUntouched()
    {
        var insurerAdmin = _people.Key("insurer-admin");
        await _people.Tokens("insurer-admin").MintAsync(insurerAdmin, DemoPeople.Asset, insurerAdmin.Account, 300);
        var used = (await CoverageAsync()).Used;
        var treasuryBefore = await _people.TreasuryAsync(Insurer, "insurer-admin");
        var adminBefore = await _people.BalanceAsync("insurer-admin");
        await using var insurerContext = await fx.Browser.NewContextAsync();
        var insurer = await SignInAsDemoAsync(fx, insurerContext, "Insurer administrator");

        await DemoPeople.NavAsync(insurer, "Insurance");
        await Assertions.Expect(insurer.GetByTestId("treasury")).ToHaveTextAsync($"{treasuryBefore} CARE", new() { Timeout = Slow });
        await insurer.GetByLabel("Amount (CARE)").FillAsync("200");
        await insurer.GetByRole(AriaRole.Button, new() { Name = "Deposit from my wallet" }).ClickAsync();
        await Assertions.Expect(insurer.GetByTestId("treasury")).ToHaveTextAsync($"{treasuryBefore + 200} CARE", new() { Timeout = Slow });
        await insurer.GetByLabel("Patient (their account id)").FillAsync(_people.Key("patient-jones").Account.ToString());
        await insurer.GetByLabel("Total covered").FillAsync((used + 100).ToString());
        await insurer.GetByRole(AriaRole.Button, new() { Name = "Set coverage" }).ClickAsync();
        var coverRow = insurer.GetByTestId("coverage").Locator($"tr[data-patient='{_people.Key("patient-jones").Account}']");
        await Assertions.Expect(coverRow.GetByTestId("left")).ToHaveTextAsync("100 CARE", new() { Timeout = Slow });
        Assert.Equal((used + 100, used), ((await CoverageAsync()).Limit, (await CoverageAsync()).Used));
        Assert.Equal(adminBefore - 200, await _people.BalanceAsync("insurer-admin"));

        var start = await _people.AddSlotAsync();
        var patientBefore = await _people.BalanceAsync("patient-jones");
        await using var patientContext = await fx.Browser.NewContextAsync();
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await patient.EvaluateAsync("url => Blazor.navigateTo(url)", $"book/{_people.Key("dr-rivera").Account}");
        await patient.Locator($"input[name=slot][value='{start}']").CheckAsync(new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("cover-left")).ToHaveTextAsync("(100 CARE of cover left)");
        await patient.GetByLabel("Care Insurance").CheckAsync();
        await Assertions.Expect(patient.GetByTestId("pay-summary")).ToContainTextAsync("Care Insurance pays 50 CARE from its treasury");
        await patient.GetByLabel("What brings you").FillAsync("Migraine twice a week.");
        await ScreenshotAsync(patient, "patient-book-on-cover");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Book and pay" }).ClickAsync();
        await Assertions.Expect(patient.GetByRole(AriaRole.Heading, new() { Name = "My consultations" })).ToBeVisibleAsync(new() { Timeout = Slow });

        var booking = (await _people.Services("patient-jones").ListBookingsAsync(patient: _people.Key("patient-jones").Account)).Single(b => b.Start == start);
        Assert.Equal((Insurer, BookingStatus.Requested), (booking.Insurer, booking.Status));
        Assert.Equal(patientBefore, await _people.BalanceAsync("patient-jones"));
        Assert.Equal(treasuryBefore + 200 - booking.Price, await _people.TreasuryAsync(Insurer, "insurer-admin"));
        Assert.Equal(used + booking.Price, (await CoverageAsync()).Used);

        await DemoPeople.NavAsync(insurer, "Home");
        await DemoPeople.NavAsync(insurer, "Insurance");
        var row = insurer.GetByTestId("covered-bookings").Locator($"tr[data-booking='{booking.Id}']");
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("Requested: accept or decline", new() { Timeout = Slow });
        await Assertions.Expect(row).ToContainTextAsync($"{booking.Price} CARE");
        await Assertions.Expect(insurer.GetByTestId("treasury")).ToHaveTextAsync($"{treasuryBefore + 200 - booking.Price} CARE");
        await Assertions.Expect(insurer.GetByText("Migraine")).ToHaveCountAsync(0);
        await ScreenshotAsync(insurer, "insurer-insurance");
    }

    [Fact]
    public async Task InsurerFundsPrescriptionsAndCoversAPatient_InThePortal_AndTheFundPaysThePatientsPresentation()
    {
        var insurerAdmin = _people.Key("insurer-admin");
        await _people.Tokens("insurer-admin").MintAsync(insurerAdmin, DemoPeople.Asset, insurerAdmin.Account, 100);
        var prescriptions = new PrescriptionsClient(fx.Node.Client.As(insurerAdmin));
        var fundBefore = (await prescriptions.FundAsync(Insurer, DemoPeople.Asset)).Amount;
        await using var context = await fx.Browser.NewContextAsync();
        var insurer = await SignInAsDemoAsync(fx, context, "Insurer administrator");

        await DemoPeople.NavAsync(insurer, "Insurance");
        await Assertions.Expect(insurer.GetByTestId("rx-fund")).ToHaveTextAsync($"{fundBefore} CARE", new() { Timeout = Slow });
        await insurer.GetByLabel("Add from my wallet").FillAsync("60");
        await insurer.GetByRole(AriaRole.Button, new() { Name = "Add to the fund" }).ClickAsync();
        await Assertions.Expect(insurer.GetByTestId("rx-fund")).ToHaveTextAsync($"{fundBefore + 60} CARE", new() { Timeout = Slow });
        await insurer.GetByLabel("Patient (account id)").FillAsync(_people.Key("patient-jones").Account.ToString());
        await insurer.GetByLabel("Prescriptions covered in total").FillAsync("1000");
        await insurer.GetByRole(AriaRole.Button, new() { Name = "Set prescription cover" }).ClickAsync();
        await Assertions.Expect(insurer.GetByTestId("rx-done")).ToContainTextAsync("are covered up to 1000 CARE", new() { Timeout = Slow });
        await ScreenshotAsync(insurer, "insurer-prescription-fund");
        Assert.Equal(fundBefore + 60, (await prescriptions.FundAsync(Insurer, DemoPeople.Asset)).Amount);

        // Dr. Rivera prescribes; the patient presents it to the pharmacy naming the insurer: the fund pays, not the patient.
        var (patient, doctor) = (_people.Key("patient-jones"), _people.Key("dr-rivera"));
        await new RecordsClient(fx.Node.Client.As(patient)).GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [],
            ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"], DateTimeOffset.UtcNow.AddDays(1));
        var issued = await new PrescriptionsClient(fx.Node.Client.As(doctor)).IssueAsync(doctor, new PrescriptionOrder(patient.Account,
            new Medication("rxnorm", "29046", "lisinopril"), "one tablet daily", 30, 1, TimeSpan.FromDays(30), 1), acknowledgeAlerts: true);
        var balance = await _people.BalanceAsync("patient-jones");
        await new PrescriptionsClient(fx.Node.Client.As(patient)).PresentAsync(patient, issued.Id, "corner-pharmacy", 12, DemoPeople.Asset, insurer: Insurer);

        Assert.Equal(fundBefore + 60 - 12, (await prescriptions.FundAsync(Insurer, DemoPeople.Asset)).Amount);
        Assert.Equal(balance, await _people.BalanceAsync("patient-jones"));
    }
}

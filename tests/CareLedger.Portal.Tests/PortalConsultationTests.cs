using CareLedger.Client.Records;
using CareLedger.Client.Services;
using CareLedger.Client.Tokens;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A consultation through the portal, patient and doctor each in their own browser on a real demo node: the patient finds
/// Dr. Rivera, books and pays; she accepts, starts, ends and completes with a summary; the patient acknowledges and rates.
/// The money is then checked with the SDK, outside the browsers. A slot near now is added for each test, since the demo's
/// slots are tomorrow and a consultation may start at most 15 minutes early.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalConsultationTests(BrowserFixture fx) : IDisposable
{
    private const string Asset = "CARE";
    private readonly KeyStore _keys = new(Path.Combine(fx.Node.DataDir, "demo-keys"));
    private SigningKey Key(string name) => _loaded.TryGetValue(name, out var k) ? k : _loaded[name] = _keys.Load(name, "demo");
    private readonly Dictionary<string, SigningKey> _loaded = [];

    public void Dispose()
    {
        foreach (var key in _loaded.Values) key.Dispose();
    }

    private ServicesClient Services(string name) => new(fx.Node.Client.As(Key(name)));

    private async Task<long> BalanceAsync(string name) =>
        (await new TokensClient(fx.Node.Client.As(Key(name))).BalanceAsync(Asset, Key(name).Account)).Balance;

    private async Task<long> OperatorFundsAsync() => (await Services("platform-admin").GetTreasuryAsync("platform", Asset)).Amount;

    /// <summary>A fresh five-minute slot of Dr. Rivera a few minutes ahead, apart from any other test's.</summary>
    private async Task<long> AddSlotSoonAsync(int minutesAhead)
    {
        var start = SoonSlots.Take(minutesAhead);
        await Services("dr-rivera").AddSlotsAsync(Key("dr-rivera"), [start], 5);
        return start;
    }

    [Fact]
    public async Task PatientBooksAndPays_DoctorCompletesWithASummary_PatientAcknowledgesAndRates_AndTheMoneyAddsUp()
    {
        var start = await AddSlotSoonAsync(10);
        // The booking alone must let her write the summary: the patient gives her no grant for consultations.
        var grants = await new RecordsClient(fx.Node.Client.As(Key("patient-jones"))).GrantsAsync(Key("patient-jones").Account);
        Assert.DoesNotContain(grants, g => g.Types.Contains("Encounter") && !g.Revoked);
        var (patientBefore, doctorBefore, operatorBefore) = (await BalanceAsync("patient-jones"), await BalanceAsync("dr-rivera"), await OperatorFundsAsync());
        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await NavAsync(patient, "Find a doctor");
        var rivera = patient.GetByTestId("doctors").Locator("tr", new() { HasText = "Dr. Ana Rivera" });
        await Assertions.Expect(rivera).ToContainTextAsync("General practice", new() { Timeout = Slow });
        await Assertions.Expect(rivera).ToContainTextAsync("50 CARE");
        await ScreenshotAsync(patient, "patient-find-a-doctor");
        await rivera.GetByRole(AriaRole.Link, new() { Name = "Book Dr. Ana Rivera" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("balance")).ToHaveTextAsync($"{patientBefore} CARE", new() { Timeout = Slow });
        await patient.Locator($"input[name=slot][value='{start}']").CheckAsync();
        await patient.GetByLabel("How").SelectOptionAsync("video");
        await patient.GetByLabel("What brings you").FillAsync("A dry cough for ten days, worse at night.");
        await ScreenshotAsync(patient, "patient-book");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Book and pay" }).ClickAsync();
        await Assertions.Expect(patient.GetByRole(AriaRole.Heading, new() { Name = "My consultations" })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("balance")).ToHaveTextAsync((patientBefore - ServicesDemoPrice).ToString(), new() { Timeout = Slow });

        var booking = (await Services("patient-jones").ListBookingsAsync(patient: Key("patient-jones").Account)).Single(b => b.Start == start);
        var patientRow = patient.Locator($"tr[data-booking='{booking.Id}']");
        await Assertions.Expect(patientRow.GetByTestId("status")).ToContainTextAsync("waiting for the doctor to accept");
        await ScreenshotAsync(patient, "patient-consultations-requested");

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await NavAsync(doctor, "Consultations");
        var row = doctor.Locator($"tr[data-booking='{booking.Id}']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Read the symptoms" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(row.GetByTestId("symptoms")).ToHaveTextAsync("A dry cough for ten days, worse at night.", new() { Timeout = Slow });
        await ScreenshotAsync(doctor, "doctor-consultations");
        await StepAsync(row, "Accept", "Accepted");
        await StepAsync(row, "Start the consultation", "In progress");
        // Both come into the video room and leave it again: the proof of attendance the history shows.
        foreach (var (name, what) in new[] { ("patient-jones", Attendance.Joined), ("dr-rivera", Attendance.Joined), ("patient-jones", Attendance.Left), ("dr-rivera", Attendance.Left) })
            await Services(name).AttendAsync(Key(name), booking.Id, what);
        await StepAsync(row, "End the consultation", "write the summary");
        await row.GetByLabel("Reason for the consultation").FillAsync("Persistent dry cough");
        await row.GetByLabel("Findings").FillAsync("Chest clear on auscultation; no fever.");
        await row.GetByLabel("Plan").FillAsync("Honey and fluids; come back if it lasts another week.");
        await ScreenshotAsync(doctor, "doctor-summary");
        await StepAsync(row, "Complete with this summary", "waiting for the patient's acknowledgement");
        await ScreenshotAsync(doctor, "doctor-completed");
        await Assertions.Expect(doctor.GetByTestId("balance")).ToHaveTextAsync(doctorBefore.ToString()); // paid only on acknowledgement

        await NavAsync(patient, "Home");
        await NavAsync(patient, "My consultations");
        await StepAsync(patientRow, "Acknowledge and pay the doctor", "Done and paid");
        await patientRow.GetByLabel("Your rating").SelectOptionAsync("4");
        await StepAsync(patientRow, "Rate", "you rated it 4 of 5");
        await ScreenshotAsync(patient, "patient-consultations-done");

        // The price left the patient; the doctor received it less the operator's fee, which the operator received.
        var done = await Services("patient-jones").GetBookingAsync(booking.Id);
        var fee = (await Services("patient-jones").GetTermsAsync()).FeeOn(ServicesDemoPrice);
        Assert.Equal((BookingStatus.Released, ServicesDemoPrice - fee, fee, 4L), (done!.Status, done.Paid, done.Fee, done.Rating));
        Assert.True(fee > 0, "the demo's operator takes a fee");
        Assert.Equal(patientBefore - ServicesDemoPrice, await BalanceAsync("patient-jones"));
        Assert.Equal(doctorBefore + ServicesDemoPrice - fee, await BalanceAsync("dr-rivera"));
        Assert.Equal(operatorBefore + fee, await OperatorFundsAsync());

        await patientRow.GetByRole(AriaRole.Link, new() { Name = "Read the summary" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync("Chest clear on auscultation", new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync("Honey and fluids");
        await ScreenshotAsync(patient, "patient-consultation-summary");

        // The history shows it to both parties: the money as the contract settled it, who was in the room, the summary.
        await NavAsync(patient, "Consultation history");
        var past = patient.Locator($"[data-testid=history] tr[data-booking='{booking.Id}']");
        await Assertions.Expect(past.GetByTestId("money")).ToContainTextAsync($"{ServicesDemoPrice - fee} CARE to the doctor", new() { Timeout = Slow });
        await Assertions.Expect(past.GetByTestId("money")).ToContainTextAsync($"{fee} CARE platform fee");
        await Assertions.Expect(past.GetByTestId("presence")).ToContainTextAsync("Patient:");
        await Assertions.Expect(past.GetByTestId("presence")).ToContainTextAsync("Doctor:");
        await Assertions.Expect(past.GetByTestId("summary")).ToBeVisibleAsync();
        await ScreenshotAsync(patient, "patient-consultation-history");
        await NavAsync(doctor, "Consultation history");
        var theirs = doctor.Locator($"[data-testid=history] tr[data-booking='{booking.Id}']");
        await Assertions.Expect(theirs.GetByTestId("status")).ToContainTextAsync("Done and paid", new() { Timeout = Slow });
        await Assertions.Expect(theirs).ToContainTextAsync($"Patient {booking.Patient.ToString()[..12]}");
        await Assertions.Expect(theirs.GetByTestId("presence")).ToContainTextAsync("Doctor:");
    }

    [Fact]
    public async Task RefusedSteps_ASlotJustTaken_AndCancellingTwice_ShowOneSentence_AndChangeNothing()
    {
        var start = await AddSlotSoonAsync(40);
        var doctor = Key("dr-rivera").Account;
        await using var context = await fx.Browser.NewContextAsync();
        var patient = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await patient.EvaluateAsync("url => Blazor.navigateTo(url)", $"book/{doctor}");
        await patient.Locator($"input[name=slot][value='{start}']").CheckAsync(new() { Timeout = Slow });
        await patient.GetByLabel("What brings you").FillAsync("A rash on both arms.");

        // Someone takes the slot while the page is open (here the same patient, from another device).
        var id = "bk-test-" + Guid.NewGuid().ToString("N")[..12];
        await Services("patient-jones").BookAsync(Key("patient-jones"), new BookingRequest(id, doctor.ToString(), start, "video", new string('a', 64)));
        var balance = await BalanceAsync("patient-jones");
        var records = (await new RecordsClient(fx.Node.Client.As(Key("patient-jones"))).ListAsync(Key("patient-jones"))).Count;

        await patient.GetByRole(AriaRole.Button, new() { Name = "Book and pay" }).ClickAsync();
        await Assertions.Expect(patient.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That slot was just taken; choose another.", new() { Timeout = Slow });
        await Assertions.Expect(patient.Locator($"input[name=slot][value='{start}']")).ToHaveCountAsync(0);
        await ScreenshotAsync(patient, "patient-book-refused");
        Assert.Equal(balance, await BalanceAsync("patient-jones"));
        Assert.Equal(records, (await new RecordsClient(fx.Node.Client.As(Key("patient-jones"))).ListAsync(Key("patient-jones"))).Count);

        // The page still offers to cancel a booking another device has just cancelled: the ledger refuses the second cancellation.
        await NavAsync(patient, "My consultations");
        var row = patient.Locator($"tr[data-booking='{id}']");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Services("patient-jones").CancelAsync(Key("patient-jones"), id);
        balance = await BalanceAsync("patient-jones");
        await row.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        var alert = patient.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToHaveTextAsync("This consultation is already cancelled; it can be cancelled only while requested or accepted.", new() { Timeout = Slow });
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("Cancelled; refunded");
        await ScreenshotAsync(patient, "patient-cancel-refused");
        Assert.Equal(balance, await BalanceAsync("patient-jones"));
        Assert.Equal(BookingStatus.Cancelled, (await Services("patient-jones").GetBookingAsync(id))!.Status);
    }

    [Fact]
    public async Task PatientDisputesAnAcceptedConsultation_WithAReason_AndThePriceStaysInEscrow()
    {
        var start = await AddSlotSoonAsync(70);
        var id = "bk-test-" + Guid.NewGuid().ToString("N")[..12];
        await Services("patient-jones").BookAsync(Key("patient-jones"), new BookingRequest(id, Key("dr-rivera").Account.ToString(), start, "video", new string('b', 64)));
        await Services("dr-rivera").AcceptAsync(Key("dr-rivera"), id);
        var balance = await BalanceAsync("patient-jones");
        await using var context = await fx.Browser.NewContextAsync();
        var patient = await SignInAsDemoAsync(fx, context, "Sam Jones");

        await NavAsync(patient, "My consultations");
        var row = patient.Locator($"tr[data-booking='{id}']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Dispute…" }).ClickAsync(new() { Timeout = Slow });
        await row.GetByLabel("What went wrong").FillAsync("The doctor asked me to pay again outside the platform.");
        await ScreenshotAsync(patient, "patient-dispute");
        await StepAsync(row, "Open the dispute", "Disputed: with the arbitrator");

        var disputed = (await Services("patient-jones").GetBookingAsync(id))!;
        Assert.Equal((BookingStatus.Disputed, "The doctor asked me to pay again outside the platform."), (disputed.Status, disputed.Dispute?.Reason));
        Assert.Equal(balance, await BalanceAsync("patient-jones"));
    }

    private const long ServicesDemoPrice = CareLedger.Node.Demo.ServicesDemoSeed.Price;

    /// <summary>Follows a link of the main navigation, within the app (a reload would forget the unlocked key).</summary>
    private static Task NavAsync(IPage page, string link) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();

    /// <summary>
    /// Clicks a step's button in a booking's row and waits for the row's status to say it happened. If it never does, the
    /// failure says what the page showed instead: its alerts (a refusal's sentence) and the row as it was.
    /// </summary>
    private static async Task StepAsync(ILocator row, string button, string status)
    {
        await row.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync(new() { Timeout = Slow });
        try { await Assertions.Expect(row.GetByTestId("status")).ToContainTextAsync(status, new() { Timeout = Slow }); }
        catch (PlaywrightException e)
        {
            var alerts = await row.Page.GetByRole(AriaRole.Alert).AllInnerTextsAsync();
            throw new Xunit.Sdk.XunitException($"'{button}' never led to '{status}'. The page's alerts: [{string.Join(" | ", alerts)}]; " +
                $"the row: [{await row.InnerTextAsync()}]; buttons enabled: [{string.Join(", ", await row.GetByRole(AriaRole.Button).EvaluateAllAsync<string[]>("bs => bs.map(b => b.textContent + ':' + !b.disabled)"))}].\n{e.Message}");
        }
    }
}

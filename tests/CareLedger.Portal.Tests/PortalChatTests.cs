using CareLedger.Client.Services;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The consultation chat in two browsers (ADR 0019): the patient and Dr. Rivera write to each other beside the video in
/// the room and on the booking's Messages page, each message encrypted in the sender's browser and decrypted in the
/// other's as it arrives; the transcript is kept, its hash on the ledger, once both consent on the consultation history.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalChatTests(BrowserFixture fx) : IDisposable
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private readonly DemoPeople _people = new(fx);
    private SigningKey Key(string name) => _people.Key(name);

    public void Dispose() => _people.Dispose();

    /// <summary>An accepted video booking in a five-minute slot <paramref name="minutesAhead"/> (15 to 35: the chat's and room's share) from now.</summary>
    private async Task<string> AcceptedBookingAsync(int minutesAhead)
    {
        var services = new ServicesClient(fx.Node.Client);
        var slot = SoonSlots.Take(minutesAhead);
        var booking = "chat-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(Key("dr-rivera"), [slot], 5);
        await services.BookAsync(Key("patient-jones"), new BookingRequest(booking, Key("dr-rivera").Account.ToString(), slot, "video", Symptoms));
        await services.AcceptAsync(Key("dr-rivera"), booking);
        return booking;
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.GetByLabel("Your message").FillAsync(text);
        await page.GetByTestId("chat-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("chat-message").Filter(new() { HasText = text })).ToHaveCountAsync(1, new() { Timeout = Slow });
    }

    private static Task HearsAsync(IPage page, string text) =>
        Assertions.Expect(page.GetByTestId("chat-message").Filter(new() { HasText = text })).ToHaveCountAsync(1, new() { Timeout = Slow });

    [Fact]
    public async Task ThePatientAndTheDoctor_ChatInTheRoom_ThenOnTheMessagesPage_AndThePatientsRecordsKeepTheMessages()
    {
        var booking = await AcceptedBookingAsync(20);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await DemoPeople.NavAsync(doctor, "Consultations");
        await doctor.Locator($"a[href='room/{booking}']").ClickAsync(new() { Timeout = Slow });
        await DemoPeople.NavAsync(patient, "My consultations");
        await patient.Locator($"a[href='room/{booking}']").ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("chat-empty")).ToBeVisibleAsync(new() { Timeout = Slow });

        await SayAsync(patient, "The rash itches most at night.");
        await HearsAsync(doctor, "The rash itches most at night.");
        await SayAsync(doctor, "Can you hold your arm closer to the camera?");
        await HearsAsync(patient, "Can you hold your arm closer to the camera?");
        await ScreenshotAsync(patient, "room-chat");

        // Between consultations: the same conversation on the booking's Messages page, from each one's list.
        await DemoPeople.NavAsync(patient, "My consultations");
        await patient.Locator($"tr[data-booking='{booking}']").GetByTestId("messages-link").ClickAsync(new() { Timeout = Slow });
        await DemoPeople.NavAsync(doctor, "Consultations");
        await doctor.Locator($"tr[data-booking='{booking}']").GetByTestId("messages-link").ClickAsync(new() { Timeout = Slow });
        await HearsAsync(patient, "Can you hold your arm closer to the camera?");
        await HearsAsync(doctor, "The rash itches most at night.");
        await SayAsync(patient, "It looks better today.");
        await HearsAsync(doctor, "It looks better today.");
        await ScreenshotAsync(doctor, "messages");

        var chat = new ConsultationChat(fx.Node.Client);
        var entries = await chat.ListAsync(Key("patient-jones"), booking);
        Assert.Equal(3, entries.Count(e => e.Type == BookingRecords.MessageType));
        var records = await new CareLedger.Client.Records.RecordsClient(fx.Node.Client).ListAsync(Key("patient-jones"));
        Assert.All(entries, e => Assert.Contains(records, r => r.Record == e.Record && r.Type == "Communication"));
        await DemoPeople.NavAsync(patient, "My records");
        await Assertions.Expect(patient.Locator($"a[href='records/{entries[0].Record}']")).ToHaveCountAsync(1, new() { Timeout = Slow });
        await patient.Locator($"a[href='records/{entries[0].Record}']").ClickAsync();
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync("The rash itches most at night.", new() { Timeout = Slow });
    }

    [Fact]
    public async Task TheTranscript_IsKeptOnlyOnceBothConsent_OnTheHistory_AndItsHashOnTheLedgerIsTheStoredRecords()
    {
        var booking = await AcceptedBookingAsync(15);
        await new ServicesClient(fx.Node.Client).StartConsultationAsync(Key("dr-rivera"), booking);
        var found = (await new ServicesClient(fx.Node.Client.As(Key("patient-jones"))).GetBookingAsync(booking))!;
        var chat = new ConsultationChat(fx.Node.Client);
        await chat.SendAsync(Key("patient-jones"), found, "Hello, I am in the waiting room.");
        await chat.SendAsync(Key("dr-rivera"), found, "Hello, I will call you in a minute.");
        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");

        await DemoPeople.NavAsync(patient, "Consultation history");
        var patientRow = patient.Locator($"tr[data-booking='{booking}']");
        await patientRow.GetByTestId("transcript-consent").ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(patientRow.GetByTestId("transcript-waiting")).ToBeVisibleAsync(new() { Timeout = Slow });
        Assert.Equal("", (await chat.GetTranscriptAsync(Key("patient-jones"), booking))!.Record);

        await DemoPeople.NavAsync(doctor, "Consultation history");
        var doctorRow = doctor.Locator($"tr[data-booking='{booking}']");
        await doctorRow.GetByTestId("transcript-consent").ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctorRow.GetByTestId("transcript-link")).ToBeVisibleAsync(new() { Timeout = Slow });
        await ScreenshotAsync(doctor, "history-transcript");

        var transcript = (await chat.GetTranscriptAsync(Key("patient-jones"), booking))!;
        var version = fx.Node.Ledger.State.Get(RecordVersion.Key(transcript.Record, 1))!;
        var blob = fx.Node.Vault.GetBlob(transcript.Record, Hash256.Parse(version.ContentHash))!;
        Assert.Equal(Hash256.Of(blob).ToString(), transcript.ContentHash);
        Assert.Equal(["Hello, I am in the waiting room.", "Hello, I will call you in a minute."],
            (await chat.ReadTranscriptAsync(Key("patient-jones"), transcript.Record)).Select(m => m.Text));
        await Assertions.Expect(doctorRow.GetByTestId("transcript-hash")).ToHaveAttributeAsync("title", transcript.ContentHash);
        await doctorRow.GetByTestId("transcript-link").ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("fhir-view")).ToContainTextAsync("Hello, I am in the waiting room.", new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("fhir-view")).ToContainTextAsync("2 messages");
    }
}

using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Photos, documents and a questionnaire for a consultation (ADR 0020), patient and doctor each in their own browser: an
/// asynchronous consultation from booking to acknowledgement, and a photo sent for a video booking. The photo is a real
/// PNG made by the test; the doctor's browser decrypts and decodes it. Money is checked with the SDK, outside the browsers.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalAttachmentsTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    private static FilePayload Png(string name) => new() { Name = name, MimeType = "image/png", Buffer = TestPng.Create(48, 32, 200, 60, 60) };

    [Fact]
    public async Task AsyncConsultation_PatientSendsAPhotoAndAQuestionnaire_DoctorAnswers_PatientAcknowledges_AndTheMoneyAddsUp()
    {
        var jones = _people.Key("patient-jones").Account;
        var before = (await _people.Services("patient-jones").ListBookingsAsync(patient: jones)).Select(b => b.Id).ToHashSet();
        var (patientBefore, doctorBefore) = (await _people.BalanceAsync("patient-jones"), await _people.BalanceAsync("dr-rivera"));
        var operatorBefore = await _people.TreasuryAsync("platform", "platform-admin");
        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/book/{_people.Key("dr-rivera").Account}").ToString());
        await patient.GetByLabel("How").SelectOptionAsync(ConsultationModes.Async, new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("response-window")).ToContainTextAsync("within 48 hours");
        await patient.GetByLabel("What brings you").FillAsync("A red, itchy patch on my left forearm.");
        await ScreenshotAsync(patient, "patient-book-async");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Book and pay" }).ClickAsync();
        await Assertions.Expect(patient.GetByRole(AriaRole.Heading, new() { Name = "My consultations" })).ToBeVisibleAsync(new() { Timeout = Slow });
        var booking = (await _people.Services("patient-jones").ListBookingsAsync(patient: jones)).Single(b => !before.Contains(b.Id));
        Assert.Equal((ConsultationModes.Async, BookingStatus.Requested), (booking.Mode, booking.Status));

        var row = patient.Locator($"tr[data-booking='{booking.Id}']");
        await Assertions.Expect(row.GetByTestId("answer-by")).ToBeVisibleAsync(new() { Timeout = Slow });
        await row.Locator("input[type=file]").SetInputFilesAsync(Png("forearm.png"));
        await Assertions.Expect(row.GetByTestId("preview")).ToBeVisibleAsync(new() { Timeout = Slow });
        await row.GetByLabel("Since when?").FillAsync("three weeks");
        await row.GetByLabel("Where on the body?").FillAsync("left forearm");
        await row.GetByLabel("It itches").CheckAsync();
        await ScreenshotAsync(patient, "patient-async-attachments");
        await row.GetByRole(AriaRole.Button, new() { Name = "Send to the doctor" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("attachments-show")).ToHaveTextAsync("Open the photos and documents (2)", new() { Timeout = Slow });
        await Assertions.Expect(row.GetByTestId("questionnaire-form")).ToHaveCountAsync(0);

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await DemoPeople.NavAsync(doctor, "Consultations");
        var inbox = doctor.Locator($"tr[data-booking='{booking.Id}']");
        await StepAsync(inbox, "Accept", "Accepted");
        await inbox.GetByTestId("attachments-show").ClickAsync(new() { Timeout = Slow });
        await ExpectDecodedAsync(inbox.GetByTestId("attachment-photo"));
        await Assertions.Expect(inbox.GetByTestId("questionnaire")).ToContainTextAsync("three weeks");
        await Assertions.Expect(inbox.GetByTestId("questionnaire")).ToContainTextAsync("left forearm");
        await inbox.GetByLabel("Reason for the consultation").FillAsync("Itchy patch, left forearm");
        await inbox.GetByLabel("Findings").FillAsync("Nummular eczema from the photo; no sign of infection.");
        await inbox.GetByLabel("Plan").FillAsync("Emollient twice a day and a mild steroid cream for a week.");
        await ScreenshotAsync(doctor, "doctor-async-answer");
        await StepAsync(inbox, "Send the answer", "waiting for the patient's acknowledgement");

        await DemoPeople.NavAsync(patient, "Home");
        await DemoPeople.NavAsync(patient, "My consultations");
        await StepAsync(row, "Acknowledge and pay the doctor", "Done and paid");
        var fee = (await _people.Services("patient-jones").GetTermsAsync()).FeeOn(booking.Price);
        Assert.Equal(patientBefore - booking.Price, await _people.BalanceAsync("patient-jones"));
        Assert.Equal(doctorBefore + booking.Price - fee, await _people.BalanceAsync("dr-rivera"));
        Assert.Equal(operatorBefore + fee, await _people.TreasuryAsync("platform", "platform-admin"));

        await row.GetByRole(AriaRole.Link, new() { Name = "Read the doctor's answer" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync("Nummular eczema", new() { Timeout = Slow });
        await ScreenshotAsync(patient, "patient-async-answer");
    }

    [Fact]
    public async Task VideoBooking_PatientSendsAPhotoOnTheBookingPage_DoctorOpensIt_AndBadFilesAreRefusedInOneSentence()
    {
        var id = await _people.BookAsync();
        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await DemoPeople.NavAsync(patient, "My consultations");
        var row = patient.Locator($"tr[data-booking='{id}']");
        var file = row.Locator("input[type=file]");
        await file.SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() }, new() { Timeout = Slow });
        await Assertions.Expect(row.GetByRole(AriaRole.Alert)).ToContainTextAsync("notes.txt cannot be sent: send a JPEG, PNG or WebP photo, or a PDF.", new() { Timeout = Slow });
        var tooLarge = new FilePayload { Name = "huge.png", MimeType = "image/png", Buffer = new byte[ConsultationAttachments.MaxFileBytes + 1] };
        await file.SetInputFilesAsync(tooLarge);
        await Assertions.Expect(row.GetByRole(AriaRole.Alert)).ToContainTextAsync("huge.png is 361 KB; a photo or document may be at most 360 KB.", new() { Timeout = Slow });
        Assert.Empty(await _people.Services("patient-jones").GetAttachmentsAsync(id));

        await file.SetInputFilesAsync(Png("rash.png"));
        await Assertions.Expect(row.GetByTestId("preview")).ToBeVisibleAsync(new() { Timeout = Slow });
        await row.GetByRole(AriaRole.Button, new() { Name = "Send to the doctor" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("attachments-show")).ToHaveTextAsync("Open the photos and documents (1)", new() { Timeout = Slow });
        var attached = Assert.Single(await _people.Services("patient-jones").GetAttachmentsAsync(id));
        Assert.Equal(ConsultationAttachments.PhotoType, attached.Type);
        // The photo is one of the patient's records: opened among them, it shows as a picture, not as base64.
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/records/{attached.Record}").ToString());
        await ExpectDecodedAsync(patient.GetByTestId("record-photo"));
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync("rash.png");

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await DemoPeople.NavAsync(doctor, "Consultations");
        var inbox = doctor.Locator($"tr[data-booking='{id}']");
        await inbox.GetByTestId("attachments-show").ClickAsync(new() { Timeout = Slow });
        await ExpectDecodedAsync(inbox.GetByTestId("attachment-photo"));
        await Assertions.Expect(inbox.GetByTestId("attachment-photo")).ToHaveAttributeAsync("alt", "rash.png");
        await ScreenshotAsync(doctor, "doctor-booking-photo");
    }

    [Fact]
    public async Task InTheRoom_ThePatientSendsAPhoto_AndTheDoctorInTheRoomOpensIt()
    {
        // Dr. Rivera's five-minute slot 50 minutes ahead: apart from the other tests' (10/40/70 and 95+); this node opens rooms two hours before.
        var slot = SoonSlots.Take(50);
        var id = "room-files-" + Guid.NewGuid().ToString("N")[..8];
        var services = _people.Services("dr-rivera");
        await services.AddSlotsAsync(_people.Key("dr-rivera"), [slot], 5);
        await _people.Services("patient-jones").BookAsync(_people.Key("patient-jones"),
            new BookingRequest(id, _people.Key("dr-rivera").Account.ToString(), slot, ConsultationModes.Video, new string('d', 64)));
        await services.AcceptAsync(_people.Key("dr-rivera"), id);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await doctor.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{id}").ToString());
        await Assertions.Expect(doctor.GetByTestId("attachments-show")).ToHaveTextAsync("Look for photos and documents", new() { Timeout = Slow });
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{id}").ToString());
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });

        await patient.GetByText("Add a photo or document").First.ClickAsync(); // unfolds the form
        await patient.Locator("input[type=file]").SetInputFilesAsync(Png("during-the-call.png"));
        await Assertions.Expect(patient.GetByTestId("preview")).ToBeVisibleAsync(new() { Timeout = Slow });
        await patient.GetByRole(AriaRole.Button, new() { Name = "Send to the doctor" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("attachments-show")).ToHaveTextAsync("Open the photos and documents (1)", new() { Timeout = Slow });

        await doctor.GetByTestId("attachments-show").ClickAsync();
        await ExpectDecodedAsync(doctor.GetByTestId("attachment-photo"));
        await ScreenshotAsync(doctor, "room-photo");
    }

    /// <summary>The image was decrypted into a data URL and the browser decoded it: it has the test PNG's size.</summary>
    private static async Task ExpectDecodedAsync(ILocator image)
    {
        await Assertions.Expect(image).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
        var width = 0;
        for (var i = 0; i < 100 && width == 0; i++)
        {
            width = await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0");
            if (width == 0) await Task.Delay(100);
        }
        Assert.Equal(48, width);
    }

    /// <summary>Clicks a step's button in a booking's row and waits for the row's status to say it happened.</summary>
    private static async Task StepAsync(ILocator row, string button, string status)
    {
        await row.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(row.GetByTestId("status")).ToContainTextAsync(status, new() { Timeout = Slow });
    }
}

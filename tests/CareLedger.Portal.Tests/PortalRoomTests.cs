using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The consultation room in two Chromium contexts with fake cameras and microphones, on a real node: the patient and Dr.
/// Rivera of an accepted video booking see and hear each other (WebRTC, peer to peer; the node only relays the
/// signalling), both ways, as the browsers' own statistics show; someone else is kept out by the room in one sentence.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalRoomTests(BrowserFixture fx) : IDisposable
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private readonly DemoPeople _people = new(fx);
    private SigningKey Key(string name) => _people.Key(name);

    public void Dispose() => _people.Dispose();

    /// <summary>An accepted video booking in a five-minute slot of its own, within the hours before this node opens rooms.</summary>
    private async Task<string> AcceptedBookingAsync()
    {
        var services = new ServicesClient(fx.Node.Client);
        // From 95 minutes ahead: the consultation tests take slots 10, 40 and 70 minutes ahead.
        var slot = SoonSlots.Take(95);
        var booking = "room-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(Key("dr-rivera"), [slot], 5);
        await services.BookAsync(Key("patient-jones"), new BookingRequest(booking, Key("dr-rivera").Account.ToString(), slot, "video", Symptoms));
        await services.AcceptAsync(Key("dr-rivera"), booking);
        return booking;
    }

    [Fact]
    public async Task ThePatientAndTheDoctor_SeeAndHearEachOther_BothWays()
    {
        var booking = await AcceptedBookingAsync();
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");

        // Each finds the room from their list of consultations.
        await doctor.GetByRole(AriaRole.Link, new() { Name = "Consultations", Exact = true }).ClickAsync();
        await doctor.Locator($"a[href='room/{booking}']").ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
        await patient.GetByRole(AriaRole.Link, new() { Name = "My consultations", Exact = true }).ClickAsync();
        await patient.Locator($"a[href='room/{booking}']").ClickAsync(new() { Timeout = Slow });

        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        var atPatient = await RoomMedia.ReceivingAsync(patient);
        var atDoctor = await RoomMedia.ReceivingAsync(doctor);
        await Assertions.Expect(patient.GetByTestId("quality")).ToBeVisibleAsync(new() { Timeout = Slow });
        await ScreenshotAsync(patient, "room");

        Assert.True(atPatient.FramesDecoded > 0 && atPatient.AudioPackets > 0, $"the patient receives {atPatient}");
        Assert.True(atDoctor.FramesDecoded > 0 && atDoctor.AudioPackets > 0, $"the doctor receives {atDoctor}");

        // The doctor leaves: the patient's room says so, and waits; the ledger has both arrivals and the doctor's leaving,
        // each signed by the person themselves in their browser.
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Leave the room" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("remote-video")).ToHaveCountAsync(0);
        var services = new ServicesClient(fx.Node.Client.As(Key("patient-jones")));
        var attendance = await services.GetAttendanceAsync(booking);
        for (var i = 0; i < 100 && attendance.Entries.Count < 3; i++)
        {
            await Task.Delay(100); // the doctor's "left" is committed as her page closes the room
            attendance = await services.GetAttendanceAsync(booking);
        }
        Assert.Equal(["practitioner joined", "patient joined", "practitioner left"], attendance.Entries.Select(e => $"{e.Role} {e.Event}"));
    }

    [Fact]
    public async Task AnotherPatientsDoctorOrAPharmacist_IsKeptOutOfTheRoom_InOneSentence()
    {
        var booking = await AcceptedBookingAsync();
        var browser = await fx.MediaBrowserAsync();
        await using var context = await browser.NewContextAsync();
        var pharmacist = await SignInAsDemoAsync(fx, context, "Li Chen");

        await pharmacist.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());

        await Assertions.Expect(pharmacist.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "This room is only for the consultation's patient and practitioner, and the guests the patient admitted.", new() { Timeout = Slow });
        await Assertions.Expect(pharmacist.GetByTestId("room-state")).ToHaveTextAsync("Not in the room");
        await Assertions.Expect(pharmacist.GetByTestId("remote-video")).ToHaveCountAsync(0);
    }
}

using System.Text.RegularExpressions;
using CareLedger.Client.Services;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A network drop in the middle of a consultation: the patient's signalling socket is cut and the node cannot be reached
/// for a few seconds; the portal says "Reconnecting…", takes its seat again with a new key proof, and both sides' videos
/// and sound come back on fresh peer connections. The ledger's attendance has no extra leave or join for it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalRoomReconnectTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    [Fact]
    public async Task TheSignallingSocketDrops_ThePatientReconnects_AndBothSeeAndHearEachOtherAgain()
    {
        var booking = await RoomBooking.AcceptedAsync(fx, _people);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        // Every room socket of the patient's page goes through the test, which can cut it as a network drop would.
        IWebSocketRoute? socket = null, server = null;
        await patient.RouteWebSocketAsync(new Regex("/v1/rooms"), ws =>
        {
            server = ws.ConnectToServer();
            socket = ws;
        });
        await doctor.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        Assert.True((await RoomMedia.ReceivingAsync(doctor)).FramesDecoded > 0, "the doctor sees the patient before the drop");

        // The drop: the socket closes, and for a while the node cannot be reached at all (the reconnect's negotiation fails).
        var offline = true;
        await patient.RouteAsync(new Regex("/v1/rooms/negotiate"), async route =>
        {
            if (offline) await route.AbortAsync();
            else await route.ContinueAsync();
        });
        await server!.CloseAsync();
        await socket!.CloseAsync();
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("Reconnecting…", new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
        offline = false;

        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("remote-video")).ToHaveCountAsync(1);
        await Assertions.Expect(patient.GetByTestId("remote-video")).ToHaveCountAsync(1);
        // Fresh peer connections on both sides: their statistics start from nothing, so frames now are frames after the drop.
        var atPatient = await RoomMedia.ReceivingAsync(patient);
        var atDoctor = await RoomMedia.ReceivingAsync(doctor);
        Assert.True(atPatient.FramesDecoded > 0 && atPatient.AudioPackets > 0 && atPatient.Connected == 1, $"the patient receives {atPatient}");
        Assert.True(atDoctor.FramesDecoded > 0 && atDoctor.AudioPackets > 0 && atDoctor.Connected == 1, $"the doctor receives {atDoctor}");

        var attendance = await new ServicesClient(fx.Node.Client.As(_people.Key("patient-jones"))).GetAttendanceAsync(booking);
        Assert.Equal(["practitioner joined", "patient joined"], attendance.Entries.Select(e => $"{e.Role} {e.Event}"));
    }
}

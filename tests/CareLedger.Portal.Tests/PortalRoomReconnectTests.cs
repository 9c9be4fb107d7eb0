using System.Text.RegularExpressions;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A network drop in the middle of a consultation: the patient's signalling socket is cut and the node cannot be reached
/// for a few seconds; the portal says "Reconnecting…", takes its seat again with a new key proof, and both sides' videos
/// and sound come back on fresh peer connections. The ledger's attendance has no extra leave or join for it. And a media
/// path that breaks while signalling stays up (the TURN relay all media goes through dies, and comes back): the caller
/// restarts ICE on the same peer connections and the video flows again.
/// </summary>
[Collection(PortalMediaCollection.Name)]
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

    [Fact]
    public async Task TheRelayDiesAndComesBack_TheCallerRestartsIce_AndVideoFlowsAgainBothWays()
    {
        var turn = await TurnServer.StartAsync();
        try
        {
            await using var node = await InProcessNode.StartAsync("--CareLedger:RoomOpensMinutesBefore=240",
                $"--CareLedger:Turn:Urls:0={turn.Url}", $"--CareLedger:Turn:Secret={turn.Secret}", "--CareLedger:Turn:RelayOnly=true");
            var keys = new KeyStore(Path.Combine(node.DataDir, "demo-keys"));
            using var doctorKey = keys.Load("dr-rivera", "demo");
            using var patientKey = keys.Load("patient-jones", "demo");
            var services = new ServicesClient(node.Client);
            var slot = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 + 30) * 60_000;
            await services.AddSlotsAsync(doctorKey, [slot], 5);
            await services.BookAsync(patientKey, new BookingRequest("ice-restart", doctorKey.Account.ToString(), slot, "video", new string('c', 64)));
            await services.AcceptAsync(doctorKey, "ice-restart");

            var browser = await fx.MediaBrowserAsync();
            await using var doctorContext = await browser.NewContextAsync();
            await using var patientContext = await browser.NewContextAsync();
            var doctor = await SignInAsDemoAsync(node.BaseAddress, doctorContext, "Dr. Ana Rivera");
            var patient = await SignInAsDemoAsync(node.BaseAddress, patientContext, "Sam Jones");
            await doctor.GotoAsync(new Uri(node.BaseAddress, "portal/room/ice-restart").ToString());
            await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
            await patient.GotoAsync(new Uri(node.BaseAddress, "portal/room/ice-restart").ToString());
            Assert.True((await RoomMedia.ReceivingAsync(patient, relayed: true)).Relayed > 0, "the call goes through the relay");

            // The relay dies: the media path breaks while the signalling stays up.
            var (port, secret) = (turn.Port, turn.Secret);
            turn.Dispose();
            await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("Connecting…", new() { Timeout = Slow });
            turn = await TurnServer.StartAsync(port, secret);
            var frozenAtPatient = (await RoomMedia.StatsAsync(patient)).FramesDecoded;
            var frozenAtDoctor = (await RoomMedia.StatsAsync(doctor)).FramesDecoded;

            await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
            await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
            var atPatient = await MoreFramesAsync(patient, frozenAtPatient);
            var atDoctor = await MoreFramesAsync(doctor, frozenAtDoctor);
            // The same peer connections (their counters went on from where they stopped), through the relay again.
            Assert.True(atPatient.FramesDecoded > frozenAtPatient && atPatient.Relayed == 1, $"the patient receives {atPatient} (had {frozenAtPatient} frames)");
            Assert.True(atDoctor.FramesDecoded > frozenAtDoctor && atDoctor.Relayed == 1, $"the doctor receives {atDoctor} (had {frozenAtDoctor} frames)");
            Assert.True(atDoctor.IceRestarts > 0, "the doctor, who called, restarted ICE");
            await Assertions.Expect(patient.GetByTestId("remote-video")).ToHaveCountAsync(1);
        }
        finally { turn.Dispose(); }
    }

    /// <summary>Waits up to 20 s for more video frames than <paramref name="than"/> (after a repaired path the decoder waits for a key frame); the last figures either way.</summary>
    private static async Task<RoomMedia.Received> MoreFramesAsync(IPage page, long than)
    {
        var r = await RoomMedia.StatsAsync(page);
        for (var i = 0; i < 80 && r.FramesDecoded <= than; i++)
        {
            await page.WaitForTimeoutAsync(250);
            r = await RoomMedia.StatsAsync(page);
        }
        return r;
    }
}

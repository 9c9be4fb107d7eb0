using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Live;
using CareLedger.Testing;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The consultation room through a real TURN relay (Debian's coturn, started here): a node configured to send all media
/// through it (so that neither party learns the other's address) hands each participant time-limited credentials; the
/// call still carries video and audio both ways, over relayed candidates; coturn refuses wrong and expired credentials.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalRoomRelayTests(BrowserFixture fx)
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";

    [Fact]
    public async Task ThroughTheRelayOnly_ThePatientAndTheDoctorStillSeeAndHearEachOther()
    {
        using var turn = await TurnServer.StartAsync();
        await using var node = await InProcessNode.StartAsync("--CareLedger:RoomOpensMinutesBefore=120",
            $"--CareLedger:Turn:Urls:0={turn.Url}", $"--CareLedger:Turn:Secret={turn.Secret}", "--CareLedger:Turn:RelayOnly=true");
        var keys = new KeyStore(Path.Combine(node.DataDir, "demo-keys"));
        using var doctorKey = keys.Load("dr-rivera", "demo");
        using var patientKey = keys.Load("patient-jones", "demo");
        var services = new ServicesClient(node.Client);
        var slot = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 + 20) * 60_000;
        await services.AddSlotsAsync(doctorKey, [slot], 5);
        await services.BookAsync(patientKey, new BookingRequest("relayed", doctorKey.Account.ToString(), slot, "video", Symptoms));
        await services.AcceptAsync(doctorKey, "relayed");

        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(node.BaseAddress, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(node.BaseAddress, patientContext, "Sam Jones");
        await doctor.GotoAsync(new Uri(node.BaseAddress, "portal/room/relayed").ToString());
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
        await patient.GotoAsync(new Uri(node.BaseAddress, "portal/room/relayed").ToString());

        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        var atPatient = await RoomMedia.ReceivingAsync(patient, relayed: true);
        var atDoctor = await RoomMedia.ReceivingAsync(doctor, relayed: true);

        Assert.True(atPatient is { FramesDecoded: > 0, AudioPackets: > 0, Relayed: > 0 }, $"the patient receives {atPatient}");
        Assert.True(atDoctor is { FramesDecoded: > 0, AudioPackets: > 0, Relayed: > 0 }, $"the doctor receives {atDoctor}");
    }

    [Fact]
    public async Task TheRelayGivesAnAddressForTheNodesCredentials_AndRefusesWrongOrExpiredOnes()
    {
        using var turn = await TurnServer.StartAsync();
        var options = new TurnOptions { Urls = [turn.Url], Secret = turn.Secret, TtlMinutes = 60 };
        var valid = TurnCredentials.Issue(options, "someone", DateTimeOffset.UtcNow);
        var expired = TurnCredentials.Issue(options, "someone", DateTimeOffset.UtcNow.AddHours(-2));
        var wrong = valid with { Credential = TurnCredentials.Password("not-the-secret", valid.Username!) };
        var browser = await fx.MediaBrowserAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/keys").ToString());

        Assert.True(await RelayCandidatesAsync(page, valid) > 0, "no relayed address for the node's own credentials");
        Assert.Equal(0, await RelayCandidatesAsync(page, wrong));
        Assert.Equal(0, await RelayCandidatesAsync(page, expired));
    }

    /// <summary>How many relayed candidates the browser gathers from the TURN server with these credentials (none if it refuses them).</summary>
    private static Task<int> RelayCandidatesAsync(IPage page, IceServer server) => page.EvaluateAsync<int>("""
        async server => {
            const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' });
            let relayed = 0;
            const done = new Promise(resolve => {
                pc.onicecandidate = e => { if (!e.candidate) resolve(); else if (e.candidate.type === 'relay') relayed++; };
                setTimeout(resolve, 10000);
            });
            pc.createDataChannel('probe');
            await pc.setLocalDescription(await pc.createOffer());
            await done;
            pc.close();
            return relayed;
        }
        """, new { urls = server.Urls, username = server.Username, credential = server.Credential });
}

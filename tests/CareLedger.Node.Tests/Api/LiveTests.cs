using System.Collections.Concurrent;
using System.Security.Cryptography;
using CareLedger.Client.Live;
using CareLedger.Client.Records;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// The live channel (SignalR at /v1/live) on a real demo node: members who prove their key hear what concerns them, as
/// blocks commit; nobody hears another's notices; a proof that does not answer this connection's challenge, or comes from
/// a key the ledger does not know, is refused.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class LiveTests(DemoNodeFixture demo)
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A member's open channel and what it heard.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly ConcurrentQueue<LiveNotice> _heard = new();
        private LiveClient? _client;

        public IReadOnlyCollection<LiveNotice> Heard => _heard;

        public static async Task<Listener> OpenAsync(DemoNodeFixture demo, IAccountKey key)
        {
            var listener = new Listener();
            listener._client = await LiveClient.ConnectAsync(demo.Node.BaseAddress, key, demo.Audience, listener._heard.Enqueue);
            return listener;
        }

        public async Task<LiveNotice> WaitForAsync(Func<LiveNotice, bool> wanted)
        {
            var until = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < until)
            {
                if (_heard.FirstOrDefault(wanted) is { } notice) return notice;
                await Task.Delay(25);
            }
            throw new Xunit.Sdk.XunitException($"no such notice in {Patience}; heard: {string.Join(", ", _heard.Select(n => n.Kind))}");
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null) await _client.DisposeAsync();
        }
    }

    [Fact]
    public async Task APatientHearsTheirDoctorAcceptTheirBooking_AndABreakGlassReadAsUrgent_TheDoctorHearsTheRequest_AnotherMemberHearsNothingOfIt()
    {
        var patient = demo.Keys["patient-jones"];
        var doctor = demo.Keys["dr-rivera"];
        await using var patientHears = await Listener.OpenAsync(demo, patient);
        await using var doctorHears = await Listener.OpenAsync(demo, doctor);
        await using var pharmacistHears = await Listener.OpenAsync(demo, demo.Keys["pharmacist-chen"]);
        var services = new ServicesClient(demo.Client);
        var slot = DateTimeOffset.UtcNow.AddDays(20).ToUnixTimeMilliseconds() / 60_000 * 60_000 + RandomNumberGenerator.GetInt32(1, 100_000) * 60_000L;
        var booking = "live-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(doctor, [slot], 30);

        await services.BookAsync(patient, new BookingRequest(booking, doctor.Account.ToString(), slot, "video", Symptoms));
        var requested = await doctorHears.WaitForAsync(n => n.Kind == "booking-requested" && n.About["booking"] == booking);
        await services.AcceptAsync(doctor, booking);
        var accepted = await patientHears.WaitForAsync(n => n.Kind == "booking-accepted" && n.About["booking"] == booking);

        var records = new RecordsClient(demo.Client);
        var added = await records.AddAsync(patient, patient.Account, """{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"valueQuantity":{"value":71,"unit":"/min"}}""");
        await records.ReadAsync(doctor, added.Record, breakGlassReason: "found unconscious");
        var glass = await patientHears.WaitForAsync(n => n.Kind == "break-glass" && n.About["record"] == added.Record);
        await services.CancelAsync(patient, booking);

        Assert.Equal("consultations", requested.Link);
        Assert.False(requested.About.ContainsKey("by"), "a patient's name is not the ledger's to give");
        Assert.Equal(("bookings", "Dr. Ana Rivera", false), (accepted.Link, accepted.About["by"], accepted.Urgent));
        Assert.Equal(("access-log", "Dr. Ana Rivera", true), (glass.Link, glass.About["by"], glass.Urgent));
        Assert.DoesNotContain(pharmacistHears.Heard, n => n.About.Values.Contains(booking) || n.About.Values.Contains(added.Record));
        Assert.DoesNotContain(doctorHears.Heard, n => n.Kind is "booking-accepted" or "break-glass");
        Assert.DoesNotContain(glass.About.Values, v => v.Contains("unconscious", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AProofWithoutAChallenge_OrForAnotherChallenge_IsRefused_AndTheConnectionHearsNothing()
    {
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(demo.Node.BaseAddress, LiveClient.Path)).Build();
        await connection.StartAsync();
        var key = demo.Keys["patient-jones"];
        var time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var forAnotherChallenge = await RequestSignature.SignAsync(key, demo.Audience, "LIVE", "/" + LiveClient.Path, time, RandomNumberGenerator.GetBytes(32));

        var unasked = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<string>("Prove", forAnotherChallenge));
        await connection.InvokeAsync<string>("Challenge");
        var wrong = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<string>("Prove", forAnotherChallenge));
        // The challenge is used up by a failed proof too: trying again with the same connection needs a new one.
        var again = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<string>("Prove", forAnotherChallenge));

        Assert.Contains("Ask for a challenge first", unasked.Message);
        Assert.Contains("does not verify", wrong.Message);
        Assert.Contains("Ask for a challenge first", again.Message);
    }

    [Fact]
    public async Task AKeyTheLedgerDoesNotKnow_IsRefusedInOneSentence()
    {
        using var stranger = SigningKey.Generate();

        var refused = await Assert.ThrowsAsync<LiveRefusedException>(() => LiveClient.ConnectAsync(demo.Node.BaseAddress, stranger, demo.Audience, _ => { }));

        Assert.EndsWith("Only members of the consortium hear its notices.", refused.Message);
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CareLedger.Client.Api;
using CareLedger.Client.Live;
using CareLedger.Client.Records;
using CareLedger.Client.Services;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// The consultation chat on a real demo node (ADR 0019): what the node receives and keeps is ciphertext only; the other
/// party hears of a new message at once (its record id only), reads and decrypts it; the patient's records and access log
/// show the messages; nobody else reads them; the transcript waits for both consents, then its hash on the ledger is the
/// stored record's.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ConsultationChatApiTests(DemoNodeFixture demo)
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";

    /// <summary>Every request body a client sent to the node, as the node received it.</summary>
    private sealed class Wiretap(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<byte[]> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Content is not null) Bodies.Enqueue(await request.Content.ReadAsByteArrayAsync(ct));
            Bodies.Enqueue(Encoding.UTF8.GetBytes(request.RequestUri!.ToString()));
            return await base.SendAsync(request, ct);
        }
    }

    private async Task<Contracts.Services.Booking> AcceptedBookingAsync()
    {
        var patient = demo.Keys["patient-jones"];
        var doctor = demo.Keys["dr-rivera"];
        var services = new ServicesClient(demo.Client);
        var slot = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeMilliseconds() / 60_000 * 60_000 + RandomNumberGenerator.GetInt32(1, 100_000) * 60_000L;
        var booking = "chat-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(doctor, [slot], 30);
        await services.BookAsync(patient, new BookingRequest(booking, doctor.Account.ToString(), slot, "video", Symptoms));
        await services.AcceptAsync(doctor, booking);
        return (await services.As(patient).GetBookingAsync(booking))!;
    }

    [Fact]
    public async Task Messages_ReachTheOtherParty_AsCiphertextOnly_AndShowInThePatientsRecordsAndAccessLog()
    {
        var patient = demo.Keys["patient-jones"];
        var doctor = demo.Keys["dr-rivera"];
        var booking = await AcceptedBookingAsync();
        var heard = new ConcurrentQueue<LiveNotice>();
        await using var doctorHears = await LiveClient.ConnectAsync(demo.Node.BaseAddress, doctor, demo.Audience, heard.Enqueue);
        using var wiretap = new Wiretap(new HttpClientHandler());
        var tapped = new NodeClient(new HttpClient(wiretap) { BaseAddress = demo.Node.BaseAddress });
        var marker = "rash-on-the-left-forearm-" + Guid.NewGuid().ToString("N");

        var sent = await new ConsultationChat(tapped).SendAsync(patient, booking, $"I have a {marker}, since Tuesday.");
        var notice = await WaitForAsync(heard, n => n.Kind == "message" && n.About["record"] == sent.Record);
        var read = await new ConsultationChat(demo.Client).ReadAsync(doctor, notice.About["record"]);
        var reply = await new ConsultationChat(demo.Client).SendAsync(doctor, booking, "Please send a photo.");

        Assert.Equal(($"messages/{booking.Id}", booking.Id), (notice.Link, notice.About["booking"]));
        Assert.Equal((patient.Account, $"I have a {marker}, since Tuesday."), (read.Sender, read.Text));
        var needle = Encoding.UTF8.GetBytes(marker);
        Assert.NotEmpty(wiretap.Bodies);
        Assert.DoesNotContain(wiretap.Bodies, body => body.AsSpan().IndexOf(needle) >= 0);
        foreach (var file in Directory.EnumerateFiles(demo.Node.DataDir, "*", SearchOption.AllDirectories))
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{file} holds the message in clear");
        var records = await new RecordsClient(demo.Client).ListAsync(patient);
        Assert.Contains(records, r => r.Record == sent.Record && r.Type == "Communication");
        Assert.Contains(records, r => r.Record == reply.Record && r.Type == "Communication");
        // Reads are logged on the ledger in batches, a block or two later.
        var logged = false;
        for (var until = DateTime.UtcNow.AddSeconds(20); !logged && DateTime.UtcNow < until; await Task.Delay(100))
            logged = (await new RecordsClient(demo.Client).AccessLogAsync(patient))
                .Any(e => e.Record == sent.Record && e.Reader == doctor.Account.ToString() && e.Outcome == "granted");
        Assert.True(logged, "the doctor's read of the message is in the patient's access log");
        var conversation = await new ConsultationChat(demo.Client).ConversationAsync(patient, booking.Id, new Dictionary<string, ChatMessage>());
        Assert.Equal([sent.Record, reply.Record], conversation.Select(m => m.Record));
    }

    [Fact]
    public async Task OtherMembers_NeitherReadNorListTheMessages()
    {
        var booking = await AcceptedBookingAsync();
        var sent = await new ConsultationChat(demo.Client).SendAsync(demo.Keys["patient-jones"], booking, "Only for Dr. Rivera.");

        foreach (var outsider in new[] { "pharmacist-chen", "clinic-admin", "health-admin" })
        {
            var key = demo.Keys[outsider];
            var read = await Assert.ThrowsAsync<NodeApiException>(() => new ConsultationChat(demo.Client).ReadAsync(key, sent.Record));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, read.Status);
            await Assert.ThrowsAnyAsync<Exception>(() => new ConsultationChat(demo.Client).ListAsync(key, booking.Id));
        }
    }

    [Fact]
    public async Task TheTranscript_IsRefusedUntilBothConsent_ThenItsHashOnTheLedgerIsTheStoredCiphertexts()
    {
        var patient = demo.Keys["patient-jones"];
        var doctor = demo.Keys["dr-rivera"];
        var booking = await AcceptedBookingAsync();
        var chat = new ConsultationChat(demo.Client);
        await chat.SendAsync(patient, booking, "Hello doctor.");
        await chat.SendAsync(doctor, booking, "Hello, how can I help?");

        var heard = new ConcurrentQueue<LiveNotice>();
        await using var doctorHears = await LiveClient.ConnectAsync(demo.Node.BaseAddress, doctor, demo.Audience, heard.Enqueue);

        var none = await Assert.ThrowsAsync<ServicesException>(() => chat.StoreTranscriptAsync(patient, booking));
        await chat.ConsentToTranscriptAsync(patient, booking.Id);
        var asked = await WaitForAsync(heard, n => n.Kind == "transcript-consented" && n.About["booking"] == booking.Id);
        var one = await Assert.ThrowsAsync<ServicesException>(() => chat.StoreTranscriptAsync(patient, booking));
        await chat.ConsentToTranscriptAsync(doctor, booking.Id);
        var (stored, _) = await chat.StoreTranscriptAsync(doctor, booking);

        Assert.Contains("neither has consented", none.Message);
        Assert.Equal("history", asked.Link);
        Assert.Contains("the practitioner has not consented", one.Message);
        var transcript = (await chat.GetTranscriptAsync(patient, booking.Id))!;
        Assert.Equal(stored.Record, transcript.Record);
        var version = demo.Node.Ledger.State.Get(RecordVersion.Key(stored.Record, 1))!;
        var blob = demo.Node.Vault.GetBlob(stored.Record, Hash256.Parse(version.ContentHash))!;
        Assert.Equal(Hash256.Of(blob).ToString(), transcript.ContentHash);
        Assert.Equal(["Hello doctor.", "Hello, how can I help?"], (await chat.ReadTranscriptAsync(patient, stored.Record)).Select(m => m.Text));
    }

    private static async Task<LiveNotice> WaitForAsync(ConcurrentQueue<LiveNotice> heard, Func<LiveNotice, bool> wanted)
    {
        for (var until = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < until; await Task.Delay(25))
            if (heard.FirstOrDefault(wanted) is { } notice) return notice;
        throw new Xunit.Sdk.XunitException($"no such notice; heard: {string.Join(", ", heard.Select(n => n.Kind))}");
    }
}

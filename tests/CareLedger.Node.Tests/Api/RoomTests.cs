using System.Collections.Concurrent;
using System.Security.Cryptography;
using CareLedger.Client.Live;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// A consultation's room (/v1/rooms) on a real demo node: the booking's patient and practitioner get in and can signal to
/// each other; nobody else gets in, nothing reaches outside the room, and the room keeps its hours (two hours ahead on
/// this node, 15 minutes by default).
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class RoomTests(DemoNodeFixture demo)
{
    private static int _slot;
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";

    /// <summary>A booking of Dr. Rivera's by the demo patient, in a slot of its own that starts <paramref name="inMinutes"/> from now.</summary>
    private async Task<string> BookAsync(int inMinutes, bool accept)
    {
        var services = new ServicesClient(demo.Client);
        var doctor = demo.Keys["dr-rivera"];
        // Five-minute slots, each booking its own, all within the two hours before the demo node's rooms open (DemoNodeFixture).
        var slot = (DateTimeOffset.UtcNow.AddMinutes(inMinutes).ToUnixTimeMilliseconds() / 60_000 + 5 * Interlocked.Increment(ref _slot)) * 60_000;
        var booking = "room-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(doctor, [slot], 5);
        await services.BookAsync(demo.Keys["patient-jones"], new BookingRequest(booking, doctor.Account.ToString(), slot, "video", Symptoms));
        if (accept) await services.AcceptAsync(doctor, booking);
        return booking;
    }

    private Task<RoomClient> JoinAsync(IAccountKey key, string booking, ConcurrentQueue<string>? heard = null) =>
        RoomClient.JoinAsync(demo.Node.BaseAddress, key, demo.Audience, booking,
            joined => heard?.Enqueue("joined " + joined.Role),
            left => heard?.Enqueue("left"),
            (from, kind, payload) => heard?.Enqueue($"{kind} {payload}"));

    private static async Task WaitForAsync(ConcurrentQueue<string> heard, string what)
    {
        for (var i = 0; i < 400 && !heard.Contains(what); i++) await Task.Delay(25);
        Assert.Contains(what, heard);
    }

    [Fact]
    public async Task ThePatientAndTheDoctorOfAnAcceptedBooking_MeetInItsRoomAndSignalEachOther()
    {
        var booking = await BookAsync(inMinutes: 5, accept: true);
        var doctorHeard = new ConcurrentQueue<string>();
        var patientHeard = new ConcurrentQueue<string>();

        await using var doctor = await JoinAsync(demo.Keys["dr-rivera"], booking, doctorHeard);
        await using var patient = await JoinAsync(demo.Keys["patient-jones"], booking, patientHeard);
        await WaitForAsync(doctorHeard, "joined patient");
        await doctor.SignalAsync(patient.Connection!, "offer", "v=0 (an SDP offer)");
        await WaitForAsync(patientHeard, "offer v=0 (an SDP offer)");
        await patient.DisposeAsync();
        await WaitForAsync(doctorHeard, "left");

        Assert.Empty(doctor.Present);
        Assert.Equal([new RoomPeer(doctor.Connection!, "practitioner")], patient.Present);
    }

    [Fact]
    public async Task WhenTheConsultationEnds_EveryoneInTheRoomHearsItClosed_AndNobodyCanSignalOn()
    {
        // A slot about to begin, so that it may start now: two minutes ahead, at a millisecond no other test's slot has.
        var services = new ServicesClient(demo.Client);
        var slot = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeMilliseconds() / 1000 * 1000 + RandomNumberGenerator.GetInt32(1, 1000);
        var booking = "room-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(demo.Keys["dr-rivera"], [slot], 5);
        await services.BookAsync(demo.Keys["patient-jones"], new BookingRequest(booking, demo.Keys["dr-rivera"].Account.ToString(), slot, "video", Symptoms));
        await services.AcceptAsync(demo.Keys["dr-rivera"], booking);
        var doctorClosed = new TaskCompletionSource<string?>();
        var patientClosed = new TaskCompletionSource<string?>();
        RoomEvents Closing(TaskCompletionSource<string?> closed) => new(() => { }, _ => { }, reason => closed.TrySetResult(reason));
        await using var doctor = await RoomClient.JoinAsync(demo.Node.BaseAddress, demo.Keys["dr-rivera"], demo.Audience, booking, _ => { }, _ => { }, (_, _, _) => { }, Closing(doctorClosed));
        await using var patient = await RoomClient.JoinAsync(demo.Node.BaseAddress, demo.Keys["patient-jones"], demo.Audience, booking, _ => { }, _ => { }, (_, _, _) => { }, Closing(patientClosed));
        await services.StartConsultationAsync(demo.Keys["dr-rivera"], booking);
        await doctor.SignalAsync(patient.Connection!, "offer", "v=0 (while it runs)");

        await services.EndConsultationAsync(demo.Keys["dr-rivera"], booking);

        Assert.Equal("The room has closed: this consultation is no longer under way.", await doctorClosed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("The room has closed: this consultation is no longer under way.", await patientClosed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var late = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => doctor.SignalAsync(patient.Connection!, "offer", "v=0 (after the end)"));
        Assert.Contains("Join the room first.", late.Message);
        var again = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(demo.Keys["patient-jones"], booking));
        Assert.Contains("it is ended", again.Message);
    }

    [Fact]
    public async Task SomeoneElse_AMemberOrNot_IsRefusedInTheSameWordsAsForABookingThatDoesNotExist()
    {
        var booking = await BookAsync(inMinutes: 5, accept: true);
        using var stranger = SigningKey.Generate();

        var pharmacist = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(demo.Keys["pharmacist-chen"], booking));
        var outsider = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(stranger, booking));
        var nothing = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(demo.Keys["patient-jones"], "room-no-such-booking"));

        Assert.Equal("This room is only for the consultation's patient and practitioner, and the guests the patient admitted.", pharmacist.Message);
        Assert.Equal(pharmacist.Message, outsider.Message);
        Assert.Equal(pharmacist.Message, nothing.Message);
    }

    [Fact]
    public async Task ARoomKeepsItsHours_NotBeforeTheBookingIsAccepted_NorEarlierThanTheNodeOpensIt()
    {
        var requested = await BookAsync(inMinutes: 5, accept: false);
        var later = await BookAsync(inMinutes: 3 * 24 * 60 + 7 * RandomNumberGenerator.GetInt32(0, 10_000), accept: true);

        var unaccepted = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(demo.Keys["dr-rivera"], requested));
        var early = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(demo.Keys["patient-jones"], later));

        Assert.Equal("The room is open only while the consultation is accepted or under way; it is requested.", unaccepted.Message);
        Assert.StartsWith("The room opens 120 minutes before the consultation, at ", early.Message);
    }

    [Fact]
    public async Task ASignalToAConnectionOutsideTheRoom_IsRefused()
    {
        var first = await BookAsync(inMinutes: 5, accept: true);
        var second = await BookAsync(inMinutes: 5, accept: true);
        await using var doctor = await JoinAsync(demo.Keys["dr-rivera"], first);
        await using var elsewhere = await JoinAsync(demo.Keys["patient-jones"], second);

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => doctor.SignalAsync(elsewhere.Connection!, "offer", "v=0"));

        Assert.Contains("That person is not in this room.", refused.Message);
    }

    [Fact]
    public async Task AnInvitedGuest_IsRefusedUntilThePatientAdmitsThem_ThenJoinsUnderTheirPart()
    {
        var booking = await BookAsync(inMinutes: 5, accept: true);
        var doctorHeard = new ConcurrentQueue<string>();
        await using var doctor = await JoinAsync(demo.Keys["dr-rivera"], booking, doctorHeard);
        var pharmacist = demo.Keys["pharmacist-chen"];
        await new ServicesClient(demo.Client).InviteAsync(demo.Keys["dr-rivera"], booking, pharmacist.Account, "specialist");

        var early = await Assert.ThrowsAsync<LiveRefusedException>(() => JoinAsync(pharmacist, booking));
        await new ServicesClient(demo.Client).AdmitAsync(demo.Keys["patient-jones"], booking, pharmacist.Account);
        await using var guest = await JoinAsync(pharmacist, booking);
        await WaitForAsync(doctorHeard, "joined specialist");

        Assert.Equal("The patient has not yet agreed to let you join: they admit you from their room, then you can try again.", early.Message);
        Assert.Equal([new RoomPeer(doctor.Connection!, "practitioner")], guest.Present);
    }

    [Fact]
    public async Task ThePersonBackOnANewConnection_TakesTheirSeatOver_AndTheOthersHearTheOldOneLeave()
    {
        var booking = await BookAsync(inMinutes: 5, accept: true);
        var doctorHeard = new ConcurrentQueue<string>();
        await using var doctor = await JoinAsync(demo.Keys["dr-rivera"], booking, doctorHeard);
        await using var before = await JoinAsync(demo.Keys["patient-jones"], booking);

        // A second connection of the same person before the node has noticed the first is gone (a reconnect).
        await using var after = await JoinAsync(demo.Keys["patient-jones"], booking);
        await WaitForAsync(doctorHeard, "left");
        // "left" and the second "joined" are two messages: the second may still be on its way.
        for (var i = 0; i < 400 && doctorHeard.Count < 3; i++) await Task.Delay(25);

        Assert.Equal(["joined patient", "left", "joined patient"], doctorHeard.ToArray());
        Assert.Equal([new RoomPeer(doctor.Connection!, "practitioner")], after.Present);
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => doctor.SignalAsync(before.Connection!, "offer", "v=0"));
        Assert.Contains("That person is not in this room.", refused.Message);
    }
}

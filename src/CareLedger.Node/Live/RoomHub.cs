using System.Collections.Concurrent;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Live;

/// <summary>
/// A consultation's room (SignalR at <see cref="Path"/>): signalling for WebRTC between the booking's parties. Media goes
/// peer to peer (DTLS-SRTP); the node only relays offers, answers and ICE candidates between people it admitted.
/// Admission: the connection proves possession of a key (<see cref="KeyProof"/>, method <see cref="Method"/>, path
/// /v1/rooms/{booking}); the key must be the booking's patient's or practitioner's, or a guest's the patient admitted on the
/// ledger (services.invite, services.admit); the booking must be accepted or under way; and the room opens <see cref="NodeOptions.RoomOpensMinutesBefore"/> minutes (15 unless configured) before the slot.
/// </summary>
public sealed class RoomHub(LedgerReader ledger, RequestAudience self, TimeProvider clock, RoomSeats seats, IOptions<NodeOptions> options, IOptions<TurnOptions> turn) : Hub
{
    public const string Path = "/v1/rooms";
    public const string Method = "ROOM";
    public const int MaxPeople = 4;
    public const int MaxSignalChars = 32 * 1024;
    private static readonly string[] SignalKinds = ["offer", "answer", "candidate"];

    public string Challenge() => KeyProof.Challenge(Context);

    /// <summary>Takes a seat in the booking's room; returns who is already there, and the relay to use with its credentials.</summary>
    public async Task<RoomWelcome> Join(string booking, string proof)
    {
        if (seats.Of(Context.ConnectionId) is not null) throw new HubException("This connection is already in a room.");
        var account = KeyProof.Verify(Context, self, clock, Method, $"{Path}/{booking}", proof);
        var b = ledger.State.Get(Booking.Key(booking));
        var role = b is null ? null : account == b.Patient ? "patient" : account == b.Practitioner ? "practitioner" : null;
        var guest = b is null || role is not null ? null : ledger.State.Get(Guests.Key(booking))?.Find(account);
        if (guest is { Admitted: 0 })
            throw new HubException("The patient has not yet agreed to let you join: they admit you from their room, then you can try again.");
        role ??= guest?.Role;
        // The same sentence whether the booking does not exist or is someone else's: probing ids tells nothing.
        if (b is null || role is null) throw new HubException("This room is only for the consultation's patient and practitioner, and the guests the patient admitted.");
        if (!IsOpen(b))
            throw new HubException($"The room is open only while the consultation is accepted or under way; it is {b.Status.Replace('-', ' ')}.");
        var minutes = options.Value.RoomOpensMinutesBefore;
        var opens = b.Start - minutes * 60_000L;
        if (clock.GetUtcNow().ToUnixTimeMilliseconds() < opens)
            throw new HubException($"The room opens {minutes} minutes before the consultation, at {DateTimeOffset.FromUnixTimeMilliseconds(opens):yyyy-MM-dd HH:mm} UTC.");

        var seat = new RoomSeat(booking, Context.ConnectionId, account, role);
        var others = seats.Take(seat, MaxPeople, out var replaced) ?? throw new HubException($"The room is full: at most {MaxPeople} people.");
        if (replaced is not null)
        {
            // The same person back on a new connection (a reconnect) before the node noticed the old one was gone.
            await Groups.RemoveFromGroupAsync(replaced.Connection, Group(booking));
            await Clients.Group(Group(booking)).SendAsync("left", replaced.Connection);
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(booking));
        await Clients.OthersInGroup(Group(booking)).SendAsync("joined", new RoomPeer(Context.ConnectionId, role));
        var relay = turn.Value.Configured ? [TurnCredentials.Issue(turn.Value, account.ToString(), clock.GetUtcNow())] : Array.Empty<IceServer>();
        return new RoomWelcome(others.Select(o => new RoomPeer(o.Connection, o.Role)).ToList(), relay, turn.Value.Configured && turn.Value.RelayOnly);
    }

    /// <summary>Relays an offer, answer or ICE candidate to another person in the same room; nobody else can be reached.</summary>
    public Task Signal(string to, string kind, string payload)
    {
        var from = seats.Of(Context.ConnectionId) ?? throw new HubException("Join the room first.");
        if (!SignalKinds.Contains(kind)) throw new HubException("A signal is an offer, an answer or a candidate.");
        if (payload.Length > MaxSignalChars) throw new HubException($"A signal carries at most {MaxSignalChars} characters.");
        if (seats.Of(to) is not { } target || target.Booking != from.Booking) throw new HubException("That person is not in this room.");
        return Clients.Client(to).SendAsync("signal", Context.ConnectionId, kind, payload);
    }

    public Task Leave() => LeaveAsync();

    public override Task OnDisconnectedAsync(Exception? exception) => LeaveAsync();

    private async Task LeaveAsync()
    {
        if (seats.Free(Context.ConnectionId) is not { } seat) return;
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(seat.Booking));
        await Clients.Group(Group(seat.Booking)).SendAsync("left", Context.ConnectionId);
    }

    internal static string Group(string booking) => "room:" + booking;

    /// <summary>A room is open while its consultation is accepted or under way (and from its opening time, checked on joining).</summary>
    internal static bool IsOpen(Booking booking) => ServicesContract.IsRoomOpen(booking.Status);
}

/// <summary>What a newcomer to a room learns: who is there, the ICE servers (TURN with credentials) and whether media must go through the relay.</summary>
public sealed record RoomWelcome(IReadOnlyList<RoomPeer> Present, IReadOnlyList<IceServer> IceServers, bool RelayOnly);

/// <summary>Someone in a room: their connection (to address signals to) and their part in the consultation (patient, practitioner, or a guest's part).</summary>
public sealed record RoomPeer(string Connection, string Role);

public sealed record RoomSeat(string Booking, string Connection, AccountId Account, string Role);

/// <summary>Who sits in which room, by connection; shared by all of the hub's instances (one per call).</summary>
public sealed class RoomSeats
{
    private readonly ConcurrentDictionary<string, RoomSeat> _byConnection = new();
    private readonly Lock _gate = new();

    public RoomSeat? Of(string connection) => _byConnection.GetValueOrDefault(connection);

    /// <summary>
    /// Seats someone if the room has space; returns those already there, or null when it is full. A seat belongs to a
    /// person, not to a connection: the same account joining again (after a network drop) takes its seat over from the old
    /// connection, which is handed back in <paramref name="replaced"/>.
    /// </summary>
    public IReadOnlyList<RoomSeat>? Take(RoomSeat seat, int max, out RoomSeat? replaced)
    {
        lock (_gate)
        {
            var others = _byConnection.Values.Where(s => s.Booking == seat.Booking).ToList();
            replaced = others.FirstOrDefault(s => s.Account == seat.Account);
            if (replaced is not null)
            {
                others.Remove(replaced);
                _byConnection.TryRemove(replaced.Connection, out _);
            }
            if (others.Count >= max) return null;
            _byConnection[seat.Connection] = seat;
            return others;
        }
    }

    public RoomSeat? Free(string connection)
    {
        lock (_gate) return _byConnection.TryRemove(connection, out var seat) ? seat : null;
    }

    /// <summary>Whether anybody sits in the booking's room.</summary>
    public bool Occupied(string booking) => _byConnection.Values.Any(s => s.Booking == booking);

    /// <summary>Frees every seat of the booking's room; returns those who sat there.</summary>
    public IReadOnlyList<RoomSeat> Close(string booking)
    {
        lock (_gate)
        {
            var gone = _byConnection.Values.Where(s => s.Booking == booking).ToList();
            foreach (var seat in gone) _byConnection.TryRemove(seat.Connection, out _);
            return gone;
        }
    }
}

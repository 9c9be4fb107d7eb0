using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CareLedger.Client.Live;

/// <summary>An ICE server as WebRTC takes it (a TURN relay with time-limited credentials).</summary>
public sealed record IceServer(string[] Urls, string? Username, string? Credential);

/// <summary>What the node tells a newcomer: who is in the room, the relay to use, and whether media must go through it.</summary>
public sealed record RoomWelcome(List<RoomPeer> Present, List<IceServer> IceServers, bool RelayOnly);

/// <summary>Someone in a consultation's room: their connection, to address signals to, and their part (patient, practitioner, or a guest's: interpreter, specialist, family).</summary>
public sealed record RoomPeer(string Connection, string Role);

/// <summary>
/// A seat in a consultation's room (the node's /v1/rooms): the key proves itself for this booking's room, then offers,
/// answers and ICE candidates travel through the node to the other people in the room. The media itself goes peer to
/// peer (WebRTC in the portal); the node never sees it.
/// After a network drop the connection comes back by itself (<see cref="RetryDelays"/>) and takes its seat again with a
/// new key proof: the node gives the seat to the same person on their new connection, and tells the others, who call
/// again. <see cref="RoomEvents"/> tells the caller what happens meanwhile.
/// </summary>
public sealed class RoomClient : IAsyncDisposable
{
    public const string Path = "v1/rooms";
    private const string Method = "ROOM";

    /// <summary>When to try again after a drop: at once, then for about 40 s in all; after that the seat is given up.</summary>
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)];

    private readonly HubConnection _connection;
    private bool _disposed;

    private RoomClient(HubConnection connection, RoomWelcome welcome)
    {
        _connection = connection;
        Welcome = welcome;
    }

    /// <summary>What the node said on joining (or on joining again after a drop): who was in the room, the relay and its credentials.</summary>
    public RoomWelcome Welcome { get; private set; }

    /// <summary>Who was in the room when this seat was taken.</summary>
    public IReadOnlyList<RoomPeer> Present => Welcome.Present;

    public string? Connection => _connection.ConnectionId;

    /// <param name="joined">someone came in (they wait for this side's offer)</param>
    /// <param name="left">someone's connection left</param>
    /// <param name="signal">from whom, what kind (offer, answer, candidate), the payload</param>
    /// <param name="events">what happens to the seat after a network drop (optional)</param>
    public static async Task<RoomClient> JoinAsync(Uri node, IAccountKey key, RequestAudience audience, string booking,
        Action<RoomPeer> joined, Action<string> left, Action<string, string, string> signal, RoomEvents? events = null, CancellationToken ct = default)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(node, Path)).WithAutomaticReconnect(RetryDelays).Build();
        connection.On("joined", joined);
        connection.On("left", left);
        connection.On("signal", signal);
        try
        {
            await connection.StartAsync(ct);
            var room = new RoomClient(connection, await TakeSeatAsync(connection, key, audience, booking, ct));
            // The consultation ended (or was called off): the node has freed every seat; the owner of this one disposes it.
            connection.On<string>("closed", reason =>
            {
                room._disposed = true;
                events?.Closed(reason);
            });
            connection.Reconnecting += _ =>
            {
                events?.Reconnecting();
                return Task.CompletedTask;
            };
            connection.Reconnected += async _ =>
            {
                try
                {
                    room.Welcome = await TakeSeatAsync(connection, key, audience, booking, CancellationToken.None);
                    events?.Rejoined(room.Welcome);
                }
                catch (HubException e)
                {
                    room._disposed = true; // the room said no (it closed, or the consultation ended): the seat is gone for good
                    events?.Closed(Reason(e));
                    await connection.StopAsync();
                }
            };
            connection.Closed += _ =>
            {
                if (!room._disposed) events?.Closed(null);
                return Task.CompletedTask;
            };
            return room;
        }
        catch (HubException e)
        {
            await connection.DisposeAsync();
            throw new LiveRefusedException(Reason(e), e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<RoomWelcome> TakeSeatAsync(HubConnection connection, IAccountKey key, RequestAudience audience, string booking, CancellationToken ct)
    {
        var proof = await KeyProof.AnswerAsync(connection, key, audience, Method, $"/{Path}/{booking}", ct);
        return await connection.InvokeAsync<RoomWelcome>("Join", booking, proof, ct);
    }

    public Task SignalAsync(string to, string kind, string payload, CancellationToken ct = default) => _connection.InvokeAsync("Signal", to, kind, payload, ct);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try { if (_connection.State == HubConnectionState.Connected) await _connection.InvokeAsync("Leave"); }
        catch (Exception e) when (e is HubException or InvalidOperationException or IOException) { }
        await _connection.DisposeAsync();
    }

    /// <summary>The hub's sentence without SignalR's wrapping ("An unexpected error occurred invoking 'Join' on the server. HubException: …").</summary>
    internal static string Reason(HubException e)
    {
        const string Marker = "HubException: ";
        var at = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        return at >= 0 ? e.Message[(at + Marker.Length)..] : e.Message;
    }
}

/// <summary>
/// What happens to a seat after a network drop: the connection is being re-established; it is back and seated again
/// (with who is in the room now: they will call again); or it is gone for good (with the room's sentence when the room
/// refused the seat, null when the node could not be reached).
/// </summary>
public sealed record RoomEvents(Action Reconnecting, Action<RoomWelcome> Rejoined, Action<string?> Closed);

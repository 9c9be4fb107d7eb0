using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CareLedger.Client.Live;

/// <summary>An ICE server as WebRTC takes it (a TURN relay with time-limited credentials).</summary>
public sealed record IceServer(string[] Urls, string? Username, string? Credential);

/// <summary>What the node tells a newcomer: who is in the room, the relay to use, and whether media must go through it.</summary>
public sealed record RoomWelcome(List<RoomPeer> Present, List<IceServer> IceServers, bool RelayOnly);

/// <summary>Someone in a consultation's room: their connection, to address signals to, and their part (patient or practitioner).</summary>
public sealed record RoomPeer(string Connection, string Role);

/// <summary>
/// A seat in a consultation's room (the node's /v1/rooms): the key proves itself for this booking's room, then offers,
/// answers and ICE candidates travel through the node to the other people in the room. The media itself goes peer to
/// peer (WebRTC in the portal); the node never sees it.
/// </summary>
public sealed class RoomClient : IAsyncDisposable
{
    public const string Path = "v1/rooms";
    private const string Method = "ROOM";

    private readonly HubConnection _connection;

    private RoomClient(HubConnection connection, RoomWelcome welcome)
    {
        _connection = connection;
        Welcome = welcome;
    }

    /// <summary>What the node said on joining: who was in the room, the relay and its credentials.</summary>
    public RoomWelcome Welcome { get; }

    /// <summary>Who was in the room when this seat was taken.</summary>
    public IReadOnlyList<RoomPeer> Present => Welcome.Present;

    public string? Connection => _connection.ConnectionId;

    /// <param name="joined">someone came in (they wait for this side's offer)</param>
    /// <param name="left">someone's connection left</param>
    /// <param name="signal">from whom, what kind (offer, answer, candidate), the payload</param>
    public static async Task<RoomClient> JoinAsync(Uri node, IAccountKey key, RequestAudience audience, string booking,
        Action<RoomPeer> joined, Action<string> left, Action<string, string, string> signal, CancellationToken ct = default)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(node, Path)).Build();
        connection.On("joined", joined);
        connection.On("left", left);
        connection.On("signal", signal);
        try
        {
            await connection.StartAsync(ct);
            var proof = await KeyProof.AnswerAsync(connection, key, audience, Method, $"/{Path}/{booking}", ct);
            var welcome = await connection.InvokeAsync<RoomWelcome>("Join", booking, proof, ct);
            return new RoomClient(connection, welcome);
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

    public Task SignalAsync(string to, string kind, string payload, CancellationToken ct = default) => _connection.InvokeAsync("Signal", to, kind, payload, ct);

    public async ValueTask DisposeAsync()
    {
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

using System.Runtime.CompilerServices;
using CareLedger.Client.Live;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Portal.Session;

/// <summary>
/// The portal's seat in a consultation's room: the SDK's <see cref="RoomClient"/>, touched only from here, once the lazily
/// loaded parts (SignalR's client among them) are in, so that no page type names SignalR's types before then.
/// </summary>
public sealed class RoomSeat : IAsyncDisposable
{
    private readonly object _room;

    private RoomSeat(object room) => _room = room;

    /// <summary>What the node said on the last joining (a reconnect joins again).</summary>
    public RoomWelcome Welcome
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => ((RoomClient)_room).Welcome;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<RoomSeat> TakeAsync(Uri node, IAccountKey key, RequestAudience audience, string booking,
        Action<RoomPeer> joined, Action<string> left, Action<string, string, string> signal, RoomEvents events)
    {
        var room = await RoomClient.JoinAsync(node, key, audience, booking, joined, left, signal, events);
        return new RoomSeat(room);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public Task SignalAsync(string to, string kind, string payload) => ((RoomClient)_room).SignalAsync(to, kind, payload);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask DisposeAsync() => ((RoomClient)_room).DisposeAsync();
}

using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CareLedger.Client.Live;

/// <summary>A notice the node pushes to a member (the node's <c>LiveNotice</c>): what happened, the portal page it concerns, when, and about what.</summary>
public sealed record LiveNotice(string Kind, string Link, long Time, bool Urgent, Dictionary<string, string> About);

/// <summary>The node refused a live connection's proof of key, with its reason.</summary>
public sealed class LiveRefusedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A member's live channel to a node (SignalR at /v1/live): connects, proves possession of the member's key by signing the
/// node's fresh challenge (again after each reconnection), and hands each notice to <c>onNotice</c>. The key signs
/// where it lives (WebCrypto in the portal), like every other request.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    public const string Path = "v1/live";
    private const string Method = "LIVE";

    private readonly HubConnection _connection;
    private readonly IAccountKey _key;
    private readonly RequestAudience _audience;

    private LiveClient(HubConnection connection, IAccountKey key, RequestAudience audience)
    {
        _connection = connection;
        _key = key;
        _audience = audience;
    }

    /// <summary>Raised when the connection is lost for good (reconnection gave up) or closed.</summary>
    public event Func<Exception?, Task>? Closed;

    public HubConnectionState State => _connection.State;

    public static async Task<LiveClient> ConnectAsync(Uri node, IAccountKey key, RequestAudience audience, Action<LiveNotice> onNotice, CancellationToken ct = default)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node, Path))
            .WithAutomaticReconnect()
            .Build();
        var live = new LiveClient(connection, key, audience);
        connection.On("notice", onNotice);
        connection.Reconnected += async _ => await live.ProveAsync(CancellationToken.None);
        connection.Closed += e => live.Closed?.Invoke(e) ?? Task.CompletedTask;
        try
        {
            await connection.StartAsync(ct);
            await live.ProveAsync(ct);
            return live;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Answers a fresh challenge with this key's signature; the node then sends this member's notices here.</summary>
    private async Task ProveAsync(CancellationToken ct)
    {
        try
        {
            var proof = await KeyProof.AnswerAsync(_connection, _key, _audience, Method, "/" + Path, ct);
            await _connection.InvokeAsync<string>("Prove", proof, ct);
        }
        catch (HubException e)
        {
            throw new LiveRefusedException(RoomClient.Reason(e), e);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.SignalR.Client;

namespace CareLedger.Client.Live;

/// <summary>
/// The client's half of the node's proof of key in a SignalR connection (ADR 0014): ask the hub for a fresh challenge and
/// sign it as the body of a request signature for <c>method</c> and <c>path</c>, for this node and chain.
/// </summary>
internal static class KeyProof
{
    public static async Task<string> AnswerAsync(HubConnection connection, IAccountKey key, RequestAudience audience, string method, string path, CancellationToken ct)
    {
        var challenge = Convert.FromBase64String(await connection.InvokeAsync<string>("Challenge", ct));
        return await RequestSignature.SignAsync(key, audience, method, path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), challenge);
    }
}

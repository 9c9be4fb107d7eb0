using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.SignalR;

namespace CareLedger.Node.Live;

/// <summary>
/// The portal's live channel (SignalR at <see cref="Path"/>). Anyone may connect, but a connection hears nothing until it
/// proves possession of a member's key: it asks for a <see cref="Challenge"/> and answers it with a request signature
/// (<see cref="RequestSignature"/>, method <see cref="Method"/>, the challenge as the body) made for this node and chain.
/// The challenge is fresh per connection and used once, so a proof cannot be replayed on another connection, and the
/// method is no HTTP method, so a proof is no signed API request either. Browsers cannot put a signature header on a
/// WebSocket, which is why the proof travels inside the connection.
/// </summary>
public sealed class LiveHub(LedgerReader ledger, RequestAudience self, TimeProvider clock) : Hub
{
    public const string Path = "/v1/live";
    public const string Method = "LIVE";
    private const string AccountItem = "account";

    public static string Group(AccountId account) => "account:" + account;

    /// <summary>A fresh challenge for this connection, replacing any earlier one.</summary>
    public string Challenge() => KeyProof.Challenge(Context);

    /// <summary>Proves the caller holds a member's key; from then on the connection hears that member's notices. Returns the account.</summary>
    public async Task<string> Prove(string signature)
    {
        var account = KeyProof.Verify(Context, self, clock, Method, Path, signature);
        if (ledger.FindMember(account) is null) throw new HubException("Only members of the consortium hear its notices.");

        if (Context.Items[AccountItem] is AccountId earlier && earlier != account)
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(earlier));
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(account));
        Context.Items[AccountItem] = account;
        return account.ToString();
    }
}

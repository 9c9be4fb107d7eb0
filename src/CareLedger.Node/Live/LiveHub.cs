using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Authentication;
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
    private const string ChallengeItem = "challenge", AccountItem = "account";

    public static string Group(AccountId account) => "account:" + account;

    /// <summary>A fresh challenge for this connection, replacing any earlier one.</summary>
    public string Challenge()
    {
        var challenge = RandomNumberGenerator.GetBytes(32);
        Context.Items[ChallengeItem] = challenge;
        return Convert.ToBase64String(challenge);
    }

    /// <summary>Proves the caller holds a member's key; from then on the connection hears that member's notices. Returns the account.</summary>
    public async Task<string> Prove(string signature)
    {
        if (Context.Items[ChallengeItem] is not byte[] challenge) throw new HubException("Ask for a challenge first.");
        Context.Items.Remove(ChallengeItem);
        if (!RequestSignature.TryParse(signature, out var key, out var time, out var sig))
            throw new HubException("The proof is malformed: expected key=...; time=...; sig=...");
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeMilliseconds() - time) > RecentSignatures.WindowMs)
            throw new HubException("The proof's time is more than 5 minutes from the node's clock.");
        if (!RequestSignature.Verify(key, self, Method, Path, time, SHA256.HashData(challenge), sig))
            throw new HubException("The proof does not verify for this node's challenge.");
        var account = AccountId.FromPublicKey(key);
        if (ledger.FindMember(account) is null) throw new HubException("Only members of the consortium hear its notices.");

        if (Context.Items[AccountItem] is AccountId earlier && earlier != account)
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(earlier));
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(account));
        Context.Items[AccountItem] = account;
        return account.ToString();
    }
}

using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace CareLedger.Node.Live;

/// <summary>
/// Proof of key inside a SignalR connection (ADR 0014): the hub hands out a fresh challenge, kept with the connection and
/// used once; the caller answers with a request signature over it (method and path name what the proof is for), made
/// for this node and chain. Browsers cannot sign a WebSocket's headers, so the proof travels in the connection.
/// </summary>
public static class KeyProof
{
    private const string ChallengeItem = "challenge";

    public static string Challenge(HubCallerContext context)
    {
        var challenge = RandomNumberGenerator.GetBytes(32);
        context.Items[ChallengeItem] = challenge;
        return Convert.ToBase64String(challenge);
    }

    /// <summary>The account whose key signed this connection's challenge for <paramref name="method"/> and <paramref name="path"/>; a <see cref="HubException"/> with one sentence otherwise.</summary>
    public static AccountId Verify(HubCallerContext context, RequestAudience self, TimeProvider clock, string method, string path, string signature)
    {
        if (context.Items[ChallengeItem] is not byte[] challenge) throw new HubException("Ask for a challenge first.");
        context.Items.Remove(ChallengeItem);
        if (!RequestSignature.TryParse(signature, out var key, out var time, out var sig))
            throw new HubException("The proof is malformed: expected key=...; time=...; sig=...");
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeMilliseconds() - time) > RecentSignatures.WindowMs)
            throw new HubException("The proof's time is more than 5 minutes from the node's clock.");
        if (!RequestSignature.Verify(key, self, method, path, time, SHA256.HashData(challenge), sig))
            throw new HubException("The proof does not verify for this node's challenge.");
        return AccountId.FromPublicKey(key);
    }
}

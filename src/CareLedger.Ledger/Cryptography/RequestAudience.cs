namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// Whom a signed request is for: the chain and the node it is addressed to (the node's account, the hash of the key
/// <c>GET /v1/chain</c> answers as <c>nodeKey</c>). Both are signed, so a request cannot be replayed on another node
/// or another chain.
/// </summary>
public sealed record RequestAudience(string ChainId, AccountId Node)
{
    /// <summary>The audience of a node that runs <paramref name="chainId"/> with the key <paramref name="nodeKey"/> (SubjectPublicKeyInfo).</summary>
    public static RequestAudience Of(string chainId, ReadOnlySpan<byte> nodeKey) => new(chainId, AccountId.FromPublicKey(nodeKey));
}

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// A refresh token as the node keeps it: only the token's SHA-256, and what it stands for — the app's registration (client id,
/// account, key name), the patient, the ledger grant and the granted scope — with its expiry and its family: the one
/// authorization (one code's exchange) every token rotated from it descends from.
/// </summary>
public sealed record StoredRefreshToken(string Hash, string Family, string ClientId, string AppAccount, string KeyName, string Patient, string GrantId,
    string Scope, DateTimeOffset Expires, bool Spent = false);

/// <summary>
/// The refresh tokens of <see cref="SmartAuthorizations"/>: a token is spent when it is exchanged (rotation), and a spent one is
/// kept until its own expiry so that its reuse is recognised. Not thread-safe: its owner calls it under its lock.
/// </summary>
public sealed class SmartRefreshTokens
{
    private readonly Dictionary<string, StoredRefreshToken> _tokens = [];

    public StoredRefreshToken? Find(string hash) => _tokens.GetValueOrDefault(hash);

    public void Add(StoredRefreshToken token) => _tokens[token.Hash] = token;

    public void Spend(StoredRefreshToken token) => _tokens[token.Hash] = token with { Spent = true };

    /// <summary>Forgets every token of a family: a later use of any of them is an unknown token.</summary>
    public int RemoveFamily(string family) => Remove(t => t.Family == family);

    public int RemoveExpired(DateTimeOffset now) => Remove(t => t.Expires <= now);

    public int Count => _tokens.Count;

    private int Remove(Func<StoredRefreshToken, bool> which)
    {
        var gone = _tokens.Values.Where(which).Select(t => t.Hash).ToList();
        foreach (var hash in gone) _tokens.Remove(hash);
        return gone.Count;
    }
}

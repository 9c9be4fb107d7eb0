namespace CareLedger.Node.Fhir.Smart;

/// <summary>Token introspection (RFC 7662): what an app may learn about one of its own tokens.</summary>
public sealed partial class SmartAuthorizations
{
    /// <summary>One of an app's tokens as this server keeps it: an access token, or a refresh token.</summary>
    public sealed record ClientToken(IssuedToken? Access, StoredRefreshToken? Refresh)
    {
        public string Family => Access?.Family ?? Refresh!.Family;
        public string GrantId => Access?.Access.GrantId ?? Refresh!.GrantId;
        public string Scope => Access?.Access.Scope ?? Refresh!.Scope;
        public string Patient => Access?.Access.Patient.ToString() ?? Refresh!.Patient;
        public DateTimeOffset Expires => Access?.Expires ?? Refresh!.Expires;

        /// <summary>Neither expired nor revoked (an access token) or spent (a refresh token; revoked ones are forgotten).</summary>
        public bool IsLive(DateTimeOffset now) => Expires > now && (Access is { Revoked: false } || Refresh is { Spent: false });
    }

    /// <summary>
    /// <paramref name="token"/> when it is <paramref name="clientId"/>'s and would still be taken here. Null for anything
    /// else — unknown, another client's, ended — so that the answer is the same whatever the reason. Whether the registration
    /// and the patient's grant behind it still hold is for the caller to check, as on every use of the token.
    /// </summary>
    public ClientToken? Live(string token, string clientId)
    {
        lock (_lock) return OwnToken(token, clientId) is { } own && own.IsLive(Now) ? own : null;
    }

    /// <summary>One of <paramref name="clientId"/>'s tokens, refresh or access, live or not (while remembered); null for any other token.</summary>
    private ClientToken? OwnToken(string token, string clientId)
    {
        if (token.StartsWith(RefreshPrefix, StringComparison.Ordinal))
            return _refresh.Find(Hash(token)) is { } stored && stored.ClientId == clientId ? new ClientToken(null, stored) : null;
        return _tokens.TryGetValue(Hash(token), out var issued) && issued.Access.App.ClientId == clientId ? new ClientToken(issued, null) : null;
    }
}

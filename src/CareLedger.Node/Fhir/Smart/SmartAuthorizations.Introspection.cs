namespace CareLedger.Node.Fhir.Smart;

/// <summary>Token introspection (RFC 7662): what an app may learn about one of its own tokens.</summary>
public sealed partial class SmartAuthorizations
{
    /// <summary>One of an app's tokens as this server keeps it: an access token, or a refresh token not yet spent.</summary>
    public sealed record LiveToken(IssuedToken? Access, StoredRefreshToken? Refresh)
    {
        public string GrantId => Access?.Access.GrantId ?? Refresh!.GrantId;
        public string Scope => Access?.Access.Scope ?? Refresh!.Scope;
        public string Patient => Access?.Access.Patient.ToString() ?? Refresh!.Patient;
        public DateTimeOffset Expires => Access?.Expires ?? Refresh!.Expires;
    }

    /// <summary>
    /// <paramref name="token"/> when it is <paramref name="clientId"/>'s and would still be taken here: an access token neither
    /// expired nor revoked, or a refresh token neither expired, spent nor revoked. Null for anything else — unknown, another
    /// client's, ended — so that the answer is the same whatever the reason. Whether the registration and the patient's grant
    /// behind it still hold is for the caller to check, as on every use of the token.
    /// </summary>
    public LiveToken? Live(string token, string clientId)
    {
        lock (_lock)
        {
            if (token.StartsWith(RefreshPrefix, StringComparison.Ordinal))
                return _refresh.Find(Hash(token)) is { Spent: false } stored && stored.ClientId == clientId && stored.Expires > Now ? new LiveToken(null, stored) : null;
            return _tokens.TryGetValue(Hash(token), out var issued) && !issued.Revoked && issued.Expires > Now && issued.Access.App.ClientId == clientId
                ? new LiveToken(issued, null)
                : null;
        }
    }
}

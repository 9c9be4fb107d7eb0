using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>Refresh tokens (SMART App Launch 2.x <c>offline_access</c>/<c>online_access</c>; OAuth 2.1 §4.3, RFC 6819 §5.2.2.3).</summary>
public sealed partial class SmartAuthorizations
{
    /// <summary>
    /// Exchanges a refresh token for a new access token and a new refresh token (rotation: the old one is spent). A spent token
    /// used again means two parties hold it, so the whole family — every access and refresh token of that authorization — is
    /// revoked. A refresh never outlives the ledger grant: it is checked here, and bounds both new tokens' expiry. A
    /// <paramref name="scope"/> may narrow the record types, never widen them.
    /// </summary>
    /// <param name="currentApp">The app as registered now, if it is still the registration the token was issued under; else null.</param>
    /// <param name="grantExpiry">When the patient's grant behind the access ends, read from the ledger; null if it is revoked or gone.</param>
    public Exchange Refresh(string refreshToken, string clientId, string? scope, Func<StoredRefreshToken, RegisteredApp?> currentApp,
        Func<ApprovedAccess, DateTimeOffset?> grantExpiry)
    {
        lock (_lock)
        {
            SweepNowAndThen();
            if (_refresh.Find(Hash(refreshToken)) is not { } stored)
                return new Refused("invalid_grant", "The refresh token is not one this server issued, or it has expired or was revoked; authorize again.");
            if (stored.Spent)
            {
                RevokeFamily(stored.Family, stored.ClientId, stored.GrantId, "a spent refresh token was used again");
                return new Refused("invalid_grant", "The refresh token was used already; every token of this authorization is revoked. Authorize again.");
            }
            if (stored.Expires <= Now) return new Refused("invalid_grant", "The refresh token has expired; authorize again.");
            if (stored.ClientId != clientId) return new Refused("invalid_grant", "The refresh token was issued to another client.");
            var granted = SmartScopes.Parse(stored.Scope);
            var types = granted.Types;
            if (scope is not null)
            {
                var asked = SmartScopes.Parse(scope).Types;
                if (asked.Count == 0 || !asked.IsSubsetOf(granted.Types))
                    return new Refused("invalid_scope", $"A refresh may narrow the scope, never widen it: this authorization allows {stored.Scope}.");
                types = asked;
            }
            if (currentApp(stored) is not { } app)
                return new Refused("invalid_grant", "The app is no longer registered on this server as it was when the patient approved it.");
            var access = new ApprovedAccess(app, AccountId.Parse(stored.Patient), stored.GrantId, types, granted.Granted(types));
            if (grantExpiry(access) is not { } ends || ends <= Now)
                return new Refused("invalid_grant", "The patient's grant behind this authorization has ended or was revoked; authorize again.");
            return Issue(access, stored.Family, ends, spending: stored);
        }
    }
}

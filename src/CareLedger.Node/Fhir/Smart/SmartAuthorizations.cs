using System.Security.Cryptography;
using System.Text;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>An app's authorization request, kept server-side while the patient answers it in the portal.</summary>
public sealed record PendingAuthorization(string Id, RegisteredApp App, string RedirectUri, string? State, string CodeChallenge, SmartScopes Scopes,
    DateTimeOffset Expires);

/// <summary>What a patient approved: the app, the patient, the ledger grant and the record types it covers.</summary>
public sealed record ApprovedAccess(RegisteredApp App, AccountId Patient, string GrantId, IReadOnlySet<string> Types, string Scope);

/// <summary>
/// The OAuth state of SMART on FHIR (ADR 0025): pending requests, one-time codes and access tokens in memory, and refresh tokens
/// in the node's data folder (<see cref="SmartRefreshTokens"/>). Codes and tokens are random and only their SHA-256 is kept.
/// After a restart an app refreshes, or asks again if it had no refresh token; the patient's ledger grant (the consent itself)
/// is untouched. The grant, not these tables, is what lets an app read.
/// </summary>
public sealed partial class SmartAuthorizations(IOptions<SmartOptions> options, TimeProvider clock, NodeKeys keys, ILogger<SmartAuthorizations> log)
{
    public const string TokenPrefix = "cla_";
    public const string RefreshPrefix = "clr_";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PendingAuthorization> _requests = [];
    private readonly Dictionary<string, IssuedCode> _codes = [];
    private readonly Dictionary<string, IssuedToken> _tokens = [];
    private readonly Dictionary<string, int> _requestsPerApp = new(StringComparer.Ordinal);
    private readonly SmartRefreshTokens _refresh = new(keys.Custodial.Folder, log);
    private DateTimeOffset _swept = DateTimeOffset.MinValue;

    /// <param name="Family">The authorization this code starts: every access and refresh token issued for it, and rotated from those.</param>
    private sealed record IssuedCode(ApprovedAccess Access, string RedirectUri, string CodeChallenge, DateTimeOffset Expires, string Family)
    {
        public bool Used { get; set; }
    }

    public sealed record IssuedToken(ApprovedAccess Access, DateTimeOffset Expires, string Family)
    {
        public bool Revoked { get; set; }
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>
    /// Keeps a request for the patient; null when too many are waiting already — for this app
    /// (<see cref="SmartOptions.MaxPendingPerApp"/>) or in all (<see cref="SmartOptions.MaxPendingRequests"/>). Anyone may
    /// authorize, so requests have a budget of their own: codes and live tokens (which only a patient's approval creates)
    /// never count against it, and one app's flood cannot block the others.
    /// </summary>
    public PendingAuthorization? Hold(RegisteredApp app, string redirectUri, string? state, string codeChallenge, SmartScopes scopes)
    {
        var request = new PendingAuthorization(Random(), app, redirectUri, state, codeChallenge, scopes, Now + options.Value.RequestLifetime);
        lock (_lock)
        {
            SweepNowAndThen();
            var perApp = _requestsPerApp.GetValueOrDefault(app.ClientId);
            if (_requests.Count >= options.Value.MaxPendingRequests || perApp >= options.Value.MaxPendingPerApp) return null;
            _requests[request.Id] = request;
            _requestsPerApp[app.ClientId] = perApp + 1;
        }
        return request;
    }

    public PendingAuthorization? Find(string requestId)
    {
        lock (_lock) return _requests.TryGetValue(requestId, out var r) && r.Expires > Now ? r : null;
    }

    /// <summary>Ends a request (approved or denied): a request is answered once.</summary>
    public PendingAuthorization? Take(string requestId)
    {
        lock (_lock) return RemoveRequest(requestId) is { } r && r.Expires > Now ? r : null;
    }

    /// <summary>A one-time authorization code for an approved request.</summary>
    public string IssueCode(PendingAuthorization request, ApprovedAccess access)
    {
        var code = Random();
        lock (_lock)
        {
            SweepNowAndThen();
            _codes[Hash(code)] = new IssuedCode(access, request.RedirectUri, request.CodeChallenge, Now + options.Value.CodeLifetime, Random());
        }
        return code;
    }

    public abstract record Exchange;
    /// <param name="RefreshToken">A refresh token when the scope holds offline_access or online_access; otherwise null.</param>
    public sealed record Issued(string Token, ApprovedAccess Access, TimeSpan ExpiresIn, string? RefreshToken) : Exchange;
    public sealed record Refused(string Error, string Description) : Exchange;

    /// <summary>
    /// Exchanges a code for an access token (RFC 6749 §4.1.3, RFC 7636 §4.6). A code works once: a second use is refused and
    /// revokes the tokens the first use issued (RFC 6749 §4.1.2), since one of the two users is not the app — refresh tokens
    /// included, with every token rotated from them.
    /// </summary>
    /// <remarks>
    /// The replay rule in one place: a redeemed code stays in <c>_codes</c>, marked <c>Used</c> and naming its family, until
    /// the code's own expiry (the sweep keeps it that long); a replay within that time finds it, marks the family's access
    /// tokens <c>Revoked</c>, which <see cref="FindToken"/> then refuses, and forgets its refresh tokens. After the code
    /// expired a replay is just an unknown code once the sweep dropped it — and the tokens, whose lifetime may be longer, stay valid.
    /// </remarks>
    /// <param name="grantExpiry">When the patient's grant behind the access ends, read from the ledger; null if it is revoked or gone.</param>
    public Exchange Redeem(string code, string clientId, string redirectUri, string verifier, Func<ApprovedAccess, DateTimeOffset?> grantExpiry)
    {
        lock (_lock)
        {
            if (!_codes.TryGetValue(Hash(code), out var issued)) return new Refused("invalid_grant", "The authorization code is not one this server issued, or it has expired.");
            if (issued.Used)
            {
                RevokeFamily(issued.Family, issued.Access.App.ClientId, issued.Access.GrantId, "its authorization code was used again");
                return new Refused("invalid_grant", "The authorization code was used already; the tokens issued for it are revoked.");
            }
            if (issued.Expires <= Now) return new Refused("invalid_grant", "The authorization code has expired; authorize again.");
            if (issued.Access.App.ClientId != clientId) return new Refused("invalid_grant", "The authorization code was issued to another client.");
            if (issued.RedirectUri != redirectUri) return new Refused("invalid_grant", "redirect_uri differs from the one in the authorization request.");
            if (!VerifierMatches(verifier, issued.CodeChallenge)) return new Refused("invalid_grant", "code_verifier does not match the code_challenge (S256).");
            if (grantExpiry(issued.Access) is not { } ends || ends <= Now)
            {
                issued.Used = true;
                return new Refused("invalid_grant", "The patient's grant behind this code has ended or was revoked.");
            }
            // Used only once its tokens are issued: if the refresh token cannot be stored (a full disk), the code may be tried again.
            var answer = Issue(issued.Access, issued.Family, ends);
            issued.Used = true;
            return answer;
        }
    }

    /// <summary>
    /// A new access token for the family (at most <see cref="SmartOptions.TokenLifetime"/>, never past the grant's end) and, when the
    /// scope asks for one, a new refresh token (at most <see cref="SmartOptions.RefreshTokenLifetime"/>, never past the grant's end).
    /// </summary>
    /// <remarks>
    /// The refresh tokens are written first (spending <paramref name="spending"/>, the one a refresh rotates, in the same write):
    /// if that fails, no token is issued and nothing is spent.
    /// </remarks>
    private Issued Issue(ApprovedAccess access, string family, DateTimeOffset grantEnds, StoredRefreshToken? spending = null)
    {
        var lifetime = Min(options.Value.TokenLifetime, grantEnds - Now);
        var accessToken = TokenPrefix + Random();
        var refreshToken = SmartScopes.Parse(access.Scope).Refresh is null ? null : RefreshPrefix + Random();
        _refresh.Rotate(spending, refreshToken is null ? null : new StoredRefreshToken(Hash(refreshToken), family, access.App.ClientId, access.App.Account,
            access.App.KeyName, access.Patient.ToString(), access.GrantId, access.Scope, Now + Min(options.Value.RefreshTokenLifetime, grantEnds - Now)));
        _tokens[Hash(accessToken)] = new IssuedToken(access, Now + lifetime, family);
        return new Issued(accessToken, access, lifetime, refreshToken);
    }

    /// <summary>Ends an authorization: every access token of the family is revoked and its refresh tokens forgotten.</summary>
    private void RevokeFamily(string family, string clientId, string grantId, string why, LogLevel level = LogLevel.Warning)
    {
        foreach (var token in _tokens.Values.Where(t => t.Family == family)) token.Revoked = true;
        log.Log(level, "SMART app {ClientId}: the tokens of its authorization under grant {GrantId} are revoked, since {Why}.", clientId, grantId, why);
        _refresh.RemoveFamily(family);
    }

    /// <summary>
    /// An app ends its own authorization (RFC 7009): given one of its refresh or access tokens — even one expired or spent but
    /// still remembered — the whole family is revoked. A token that is unknown or another client's changes nothing. Either
    /// way a revocation whose write failed earlier is written now. True when something was revoked.
    /// </summary>
    /// <exception cref="IOException">The refresh tokens' file could not be written; the revocation holds in memory (fails closed).</exception>
    /// <exception cref="UnauthorizedAccessException">The same, for want of permission.</exception>
    public bool Revoke(string token, string clientId)
    {
        lock (_lock)
        {
            if (OwnToken(token, clientId) is not { } found)
            {
                // Perhaps revoked already, by a request whose write failed: sending it again is how the app gets it stored.
                _refresh.SaveIfBehind();
                return false;
            }
            RevokeFamily(found.Family, clientId, found.GrantId, "the app asked to revoke it", LogLevel.Information);
            return true;
        }
    }

    /// <summary>The access behind a bearer token, while it is neither expired nor revoked.</summary>
    public IssuedToken? FindToken(string token)
    {
        lock (_lock) return _tokens.TryGetValue(Hash(token), out var t) && !t.Revoked && t.Expires > Now ? t : null;
    }

    /// <summary>RFC 7636 §4.1: 43 to 128 unreserved characters.</summary>
    public static bool IsValidVerifier(string verifier) =>
        verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>S256: BASE64URL(SHA256(ASCII(code_verifier))) is the challenge; compared in constant time.</summary>
    public static bool VerifierMatches(string verifier, string challenge) =>
        IsValidVerifier(verifier) && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))), Encoding.ASCII.GetBytes(challenge));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Random() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private PendingAuthorization? RemoveRequest(string requestId)
    {
        if (!_requests.Remove(requestId, out var r)) return null;
        if (_requestsPerApp[r.App.ClientId] <= 1) _requestsPerApp.Remove(r.App.ClientId);
        else _requestsPerApp[r.App.ClientId]--;
        return r;
    }

    /// <summary>
    /// Drops expired requests, codes and tokens — at most once a second, so a burst of requests does not scan the tables under
    /// the lock each time (between sweeps, lookups check expiry themselves).
    /// </summary>
    private void SweepNowAndThen()
    {
        var now = Now;
        if (now - _swept < TimeSpan.FromSeconds(1)) return;
        _swept = now;
        foreach (var (id, _) in _requests.Where(r => r.Value.Expires <= now).ToList()) RemoveRequest(id);
        // A used code is kept until it expires, so that a replay within its lifetime still revokes what it issued.
        foreach (var (hash, _) in _codes.Where(c => c.Value.Expires <= now).ToList()) _codes.Remove(hash);
        foreach (var (hash, _) in _tokens.Where(t => t.Value.Expires <= now).ToList()) _tokens.Remove(hash);
        _refresh.RemoveExpired(now);
    }

    /// <summary>How many requests are waiting, and codes, access and refresh tokens are kept (expired ones until the next sweep); for tests.</summary>
    public (int Requests, int Codes, int Tokens, int RefreshTokens) Counts()
    {
        lock (_lock) return (_requests.Count, _codes.Count, _tokens.Count, _refresh.Count);
    }
}

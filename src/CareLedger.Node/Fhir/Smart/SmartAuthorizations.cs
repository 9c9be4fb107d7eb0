using System.Security.Cryptography;
using System.Text;
using CareLedger.Ledger.Cryptography;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>An app's authorization request, kept server-side while the patient answers it in the portal.</summary>
public sealed record PendingAuthorization(string Id, RegisteredApp App, string RedirectUri, string? State, string CodeChallenge, SmartScopes Scopes,
    DateTimeOffset Expires);

/// <summary>What a patient approved: the app, the patient, the ledger grant and the record types it covers.</summary>
public sealed record ApprovedAccess(RegisteredApp App, AccountId Patient, string GrantId, IReadOnlySet<string> Types, string Scope);

/// <summary>
/// The OAuth state of SMART on FHIR (ADR 0025), in memory: pending requests, one-time codes and access tokens. Codes and tokens
/// are random and only their SHA-256 is kept. Nothing here outlives the node process: after a restart apps ask again, and
/// the patient's ledger grant (the consent itself) is untouched. The grant, not this table, is what lets an app read.
/// </summary>
public sealed class SmartAuthorizations(IOptions<SmartOptions> options, TimeProvider clock)
{
    public const string TokenPrefix = "cla_";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PendingAuthorization> _requests = [];
    private readonly Dictionary<string, IssuedCode> _codes = [];
    private readonly Dictionary<string, IssuedToken> _tokens = [];

    private sealed record IssuedCode(ApprovedAccess Access, string RedirectUri, string CodeChallenge, DateTimeOffset Expires)
    {
        public bool Used { get; set; }
        public List<string> Tokens { get; } = [];
    }

    public sealed record IssuedToken(ApprovedAccess Access, DateTimeOffset Expires)
    {
        public bool Revoked { get; set; }
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Keeps a request for the patient; null when too many are waiting already.</summary>
    public PendingAuthorization? Hold(RegisteredApp app, string redirectUri, string? state, string codeChallenge, SmartScopes scopes)
    {
        var request = new PendingAuthorization(Random(), app, redirectUri, state, codeChallenge, scopes, Now + options.Value.RequestLifetime);
        lock (_lock)
        {
            Sweep();
            if (_requests.Count + _codes.Count + _tokens.Count >= options.Value.MaxPending) return null;
            _requests[request.Id] = request;
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
        lock (_lock) return _requests.Remove(requestId, out var r) && r.Expires > Now ? r : null;
    }

    /// <summary>A one-time authorization code for an approved request.</summary>
    public string IssueCode(PendingAuthorization request, ApprovedAccess access)
    {
        var code = Random();
        lock (_lock)
        {
            Sweep();
            _codes[Hash(code)] = new IssuedCode(access, request.RedirectUri, request.CodeChallenge, Now + options.Value.CodeLifetime);
        }
        return code;
    }

    public abstract record Exchange;
    public sealed record Issued(string Token, ApprovedAccess Access, TimeSpan ExpiresIn) : Exchange;
    public sealed record Refused(string Error, string Description) : Exchange;

    /// <summary>
    /// Exchanges a code for an access token (RFC 6749 §4.1.3, RFC 7636 §4.6). A code works once: a second use is refused and
    /// revokes the tokens the first use issued (RFC 6749 §4.1.2), since one of the two users is not the app.
    /// </summary>
    /// <param name="grantExpiry">When the patient's grant behind the access ends, read from the ledger; null if it is revoked or gone.</param>
    public Exchange Redeem(string code, string clientId, string redirectUri, string verifier, Func<ApprovedAccess, DateTimeOffset?> grantExpiry)
    {
        lock (_lock)
        {
            if (!_codes.TryGetValue(Hash(code), out var issued)) return new Refused("invalid_grant", "The authorization code is not one this server issued, or it has expired.");
            if (issued.Used)
            {
                foreach (var token in issued.Tokens) if (_tokens.TryGetValue(token, out var t)) t.Revoked = true;
                return new Refused("invalid_grant", "The authorization code was used already; the tokens issued for it are revoked.");
            }
            if (issued.Expires <= Now) return new Refused("invalid_grant", "The authorization code has expired; authorize again.");
            if (issued.Access.App.ClientId != clientId) return new Refused("invalid_grant", "The authorization code was issued to another client.");
            if (issued.RedirectUri != redirectUri) return new Refused("invalid_grant", "redirect_uri differs from the one in the authorization request.");
            if (!VerifierMatches(verifier, issued.CodeChallenge)) return new Refused("invalid_grant", "code_verifier does not match the code_challenge (S256).");
            issued.Used = true;
            var lifetime = grantExpiry(issued.Access) is { } ends ? Min(options.Value.TokenLifetime, ends - Now) : TimeSpan.Zero;
            if (lifetime <= TimeSpan.Zero) return new Refused("invalid_grant", "The patient's grant behind this code has ended or was revoked.");
            var accessToken = TokenPrefix + Random();
            _tokens[Hash(accessToken)] = new IssuedToken(issued.Access, Now + lifetime);
            issued.Tokens.Add(Hash(accessToken));
            return new Issued(accessToken, issued.Access, lifetime);
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

    private void Sweep()
    {
        var now = Now;
        foreach (var (id, _) in _requests.Where(r => r.Value.Expires <= now).ToList()) _requests.Remove(id);
        // A used code is kept until it expires, so that a replay within its lifetime still revokes what it issued.
        foreach (var (hash, _) in _codes.Where(c => c.Value.Expires <= now).ToList()) _codes.Remove(hash);
        foreach (var (hash, _) in _tokens.Where(t => t.Value.Expires <= now).ToList()) _tokens.Remove(hash);
    }
}

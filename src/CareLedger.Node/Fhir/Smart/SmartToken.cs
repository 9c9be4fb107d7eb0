using System.Text.Json.Serialization;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using Microsoft.Net.Http.Headers;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>The token an app receives (RFC 6749 §5.1, plus SMART's <c>patient</c> launch context).</summary>
public sealed record SmartTokenAnswer(string access_token, string token_type, long expires_in, string scope, string patient,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? refresh_token);

/// <summary>
/// An introspection answer (RFC 7662 §2.2, with SMART's <c>patient</c>): only <c>active</c> for a token that would not work,
/// and for an active one its scope, client, kind, expiry (Unix seconds) and patient.
/// </summary>
public sealed record SmartIntrospection(bool active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? scope = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? client_id = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? token_type = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? exp = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? patient = null);

/// <summary>An OAuth error (RFC 6749 §5.2).</summary>
public sealed record OAuthError(string error, string error_description);

/// <summary>
/// The token endpoint, a form POST. grant_type=authorization_code (RFC 6749 §4.1.3): code, redirect_uri, client_id and the PKCE
/// code_verifier. grant_type=refresh_token (§6): refresh_token, client_id and optionally a narrower scope. Public clients: the
/// client proves itself by the verifier or the refresh token, not a secret. Answers are never cached.
/// </summary>
public static class SmartToken
{
    public static async Task<IResult> Exchange(HttpRequest request, SmartApps apps, SmartAuthorizations authorizations, LedgerReader ledger, CancellationToken ct)
    {
        NoStore(request);
        var (form, problem) = await ReadFormAsync(request, ct);
        if (problem is not null) return problem;
        var grantType = form!["grant_type"].ToString();
        if (grantType.Length == 0) return Error("invalid_request", "grant_type is missing.");
        if (grantType is not ("authorization_code" or "refresh_token"))
            return Error("unsupported_grant_type", $"grant_type '{grantType}' is not supported; use authorization_code or refresh_token.");
        if (Client(request, form, apps) is { } refused) return refused;
        var clientId = form["client_id"].ToString();
        return Answer(grantType == "refresh_token" ? Refresh(form, clientId, apps, authorizations, ledger) : Redeem(form, clientId, authorizations, ledger));
    }

    /// <summary>
    /// The revocation endpoint (RFC 7009): an app that signs out sends its refresh or access token and its client_id, and the
    /// whole authorization ends — every access and refresh token rotated from the same approval. The answer is 200 whether or
    /// not the token was known (or another client's, which is left alone), so it tells nobody anything. The patient's ledger
    /// grant stays: only the patient ends that, in the portal.
    /// </summary>
    public static async Task<IResult> Revoke(HttpRequest request, SmartApps apps, SmartAuthorizations authorizations, CancellationToken ct)
    {
        var (token, clientId, refused) = await ReadTokenRequestAsync(request, apps, "RFC 7009", ct);
        if (refused is not null) return refused;
        try { authorizations.Revoke(token, clientId); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Revoked in memory, but not yet on disk: a restart would bring the refresh token back, so the app should try again.
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return Error("temporarily_unavailable", "The revocation could not be stored yet; send it again.", StatusCodes.Status503ServiceUnavailable);
        }
        return TypedResults.Ok();
    }

    /// <summary>
    /// The introspection endpoint (RFC 7662): an app asks whether one of its own tokens, access or refresh, would still work —
    /// before a long task, say, or to show the patient what it may read and until when. The checks a refresh makes: the token
    /// is this client's, neither expired, spent nor revoked; the app is still registered as it was; the patient's grant behind
    /// it is in force on the ledger. (A read also checks the app's enrolment as a service on the ledger, which only the
    /// operator changes; that shows at the next read.) Any other token — unknown, another client's, ended — is answered
    /// <c>{"active": false}</c> and nothing more, so the endpoint tells an app only about tokens it holds (RFC 7662 §2.1's
    /// protection against scanning: the client names itself, and tokens are 256 random bits). It only reads.
    /// </summary>
    public static async Task<IResult> Introspect(HttpRequest request, SmartApps apps, SmartAuthorizations authorizations, LedgerReader ledger, CancellationToken ct)
    {
        var (token, clientId, refused) = await ReadTokenRequestAsync(request, apps, "RFC 7662", ct);
        if (refused is not null) return refused;
        var inactive = TypedResults.Json(new SmartIntrospection(false));
        if (authorizations.Live(token, clientId) is not { } live) return inactive;
        var app = live.Access is { } issued ? apps.Current(issued.Access.App) : apps.Current(live.Refresh!.ClientId, live.Refresh.AppAccount, live.Refresh.KeyName);
        if (app is null || GrantExpiry(ledger, AccountId.Parse(live.Patient), live.GrantId) is not { } grantEnds
            || grantEnds.ToUnixTimeMilliseconds() <= ledger.Now) return inactive;
        // Never past the grant, as the ledger has it (tokens are issued to end with it, too).
        var ends = Math.Min(live.Expires.ToUnixTimeSeconds(), grantEnds.ToUnixTimeSeconds());
        return TypedResults.Json(new SmartIntrospection(true, live.Scope, app.ClientId, live.Access is null ? null : "Bearer", ends, live.Patient));
    }

    /// <summary>A request about one token (revocation, introspection): the token and the registered client naming itself, or the OAuth error.</summary>
    private static async Task<(string Token, string ClientId, IResult? Refused)> ReadTokenRequestAsync(HttpRequest request, SmartApps apps, string rfc,
        CancellationToken ct)
    {
        NoStore(request);
        var (form, problem) = await ReadFormAsync(request, ct);
        if (problem is not null) return ("", "", problem);
        var token = form!["token"].ToString();
        if (token.Length == 0) return ("", "", Error("invalid_request", $"token is missing ({rfc} §2.1)."));
        return (token, form["client_id"].ToString(), Client(request, form, apps));
    }

    private static void NoStore(HttpRequest request)
    {
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers.Pragma = "no-cache";
    }

    /// <summary>
    /// The request's urlencoded form (RFC 6749 §4.1.3), each parameter at most once. HasFormContentType would also let multipart
    /// in, whose parser throws on a missing boundary or too many fields; anything unreadable is the client's mistake, never a 500.
    /// </summary>
    private static async Task<(IFormCollection? Form, IResult? Problem)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return (null, Error("invalid_request", "Send the parameters as application/x-www-form-urlencoded (RFC 6749 §4.1.3)."));
        IFormCollection form;
        try { form = await request.ReadFormAsync(ct); }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, Error("invalid_request", "The form could not be read: " + e.Message));
        }
        if (form.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated }) return (null, Error("invalid_request", $"The parameter '{repeated}' is given more than once."));
        return (form, null);
    }

    /// <summary>Null once the form's client_id names a registered app (public clients name themselves; CORS then answers its origins); else the 401.</summary>
    private static IResult? Client(HttpRequest request, IFormCollection form, SmartApps apps)
    {
        var clientId = form["client_id"].ToString();
        if (clientId.Length == 0 || apps.Find(clientId) is not { } app)
            return Error("invalid_client", clientId.Length == 0 ? "client_id is missing (public clients name themselves)." : $"No app is registered with client_id '{clientId}'.",
                StatusCodes.Status401Unauthorized);
        request.HttpContext.Features.Set(new SmartCors.TokenClient(app));
        return null;
    }

    private static SmartAuthorizations.Exchange Redeem(IFormCollection form, string clientId, SmartAuthorizations authorizations, LedgerReader ledger)
    {
        var (code, redirectUri, verifier) = (form["code"].ToString(), form["redirect_uri"].ToString(), form["code_verifier"].ToString());
        if (code.Length == 0 || redirectUri.Length == 0) return new SmartAuthorizations.Refused("invalid_request", "code and redirect_uri are required.");
        if (verifier.Length == 0) return new SmartAuthorizations.Refused("invalid_request", "code_verifier is missing: this server requires PKCE.");
        if (!SmartAuthorizations.IsValidVerifier(verifier))
            return new SmartAuthorizations.Refused("invalid_request", "code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1).");
        return authorizations.Redeem(code, clientId, redirectUri, verifier, access => GrantExpiry(ledger, access));
    }

    private static SmartAuthorizations.Exchange Refresh(IFormCollection form, string clientId, SmartApps apps, SmartAuthorizations authorizations, LedgerReader ledger)
    {
        var refreshToken = form["refresh_token"].ToString();
        if (refreshToken.Length == 0) return new SmartAuthorizations.Refused("invalid_request", "refresh_token is missing.");
        var scope = form["scope"].ToString() is { Length: > 0 } s ? s : null;
        return authorizations.Refresh(refreshToken, clientId, scope, stored => apps.Current(stored.ClientId, stored.AppAccount, stored.KeyName),
            access => GrantExpiry(ledger, access));
    }

    /// <summary>When the patient's grant behind an access ends, from the ledger; null when it is revoked or gone.</summary>
    private static DateTimeOffset? GrantExpiry(LedgerReader ledger, ApprovedAccess access) => GrantExpiry(ledger, access.Patient, access.GrantId);

    private static DateTimeOffset? GrantExpiry(LedgerReader ledger, AccountId patient, string grantId) =>
        ledger.State.Get(ConsentGrant.Key(patient, grantId)) is { Revoked: false } grant ? DateTimeOffset.FromUnixTimeMilliseconds(grant.Expiry) : null;

    private static IResult Answer(SmartAuthorizations.Exchange exchange) => exchange switch
    {
        SmartAuthorizations.Issued issued => TypedResults.Json(new SmartTokenAnswer(issued.Token, "Bearer", (long)issued.ExpiresIn.TotalSeconds, issued.Access.Scope,
            issued.Access.Patient.ToString(), issued.RefreshToken)),
        SmartAuthorizations.Refused refused => Error(refused.Error, refused.Description),
        _ => throw new InvalidOperationException("unknown exchange result"),
    };

    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Json(new OAuthError(error, description), statusCode: status);
}

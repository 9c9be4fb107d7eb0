using CareLedger.Contracts.Records;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>The token an app receives (RFC 6749 §5.1, plus SMART's <c>patient</c> launch context).</summary>
public sealed record SmartTokenAnswer(string access_token, string token_type, long expires_in, string scope, string patient);

/// <summary>An OAuth error (RFC 6749 §5.2).</summary>
public sealed record OAuthError(string error, string error_description);

/// <summary>
/// The token endpoint: a form POST (RFC 6749 §4.1.3) with grant_type=authorization_code, code, redirect_uri, client_id and the
/// PKCE code_verifier. Public clients: the client proves itself by the verifier, not a secret. Answers are never cached.
/// </summary>
public static class SmartToken
{
    public static async Task<IResult> Exchange(HttpRequest request, SmartApps apps, SmartAuthorizations authorizations, LedgerReader ledger, CancellationToken ct)
    {
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers.Pragma = "no-cache";
        if (!request.HasFormContentType) return Error("invalid_request", "Send the parameters as application/x-www-form-urlencoded (RFC 6749 §4.1.3).");
        var form = await request.ReadFormAsync(ct);
        if (form.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated }) return Error("invalid_request", $"The parameter '{repeated}' is given more than once.");
        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0) return Error("invalid_request", "grant_type is missing.");
        if (grantType != "authorization_code") return Error("unsupported_grant_type", $"grant_type '{grantType}' is not supported; use authorization_code.");
        var clientId = form["client_id"].ToString();
        if (clientId.Length == 0 || apps.Find(clientId) is null)
            return Error("invalid_client", clientId.Length == 0 ? "client_id is missing (public clients name themselves)." : $"No app is registered with client_id '{clientId}'.",
                StatusCodes.Status401Unauthorized);
        var (code, redirectUri, verifier) = (form["code"].ToString(), form["redirect_uri"].ToString(), form["code_verifier"].ToString());
        if (code.Length == 0 || redirectUri.Length == 0) return Error("invalid_request", "code and redirect_uri are required.");
        if (verifier.Length == 0) return Error("invalid_request", "code_verifier is missing: this server requires PKCE.");
        if (!SmartAuthorizations.IsValidVerifier(verifier)) return Error("invalid_request", "code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1).");

        var answer = authorizations.Redeem(code, clientId, redirectUri, verifier, access =>
            ledger.State.Get(ConsentGrant.Key(access.Patient, access.GrantId)) is { Revoked: false } grant ? DateTimeOffset.FromUnixTimeMilliseconds(grant.Expiry) : null);
        return answer switch
        {
            SmartAuthorizations.Issued issued => TypedResults.Json(new SmartTokenAnswer(issued.Token, "Bearer", (long)issued.ExpiresIn.TotalSeconds, issued.Access.Scope,
                issued.Access.Patient.ToString())),
            SmartAuthorizations.Refused refused => Error(refused.Error, refused.Description),
            _ => throw new InvalidOperationException("unknown exchange result"),
        };
    }

    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Json(new OAuthError(error, description), statusCode: status);
}

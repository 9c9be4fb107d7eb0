using Microsoft.AspNetCore.WebUtilities;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// The authorization endpoint (RFC 6749 §4.1.1, RFC 7636, SMART App Launch). Until the client and its redirect URI are known
/// to be registered, a bad request is a problem page and never a redirect (§4.1.2.1: an attacker must not be able to bounce
/// the browser anywhere); after that, errors go back to the app as <c>error</c> and <c>state</c> on its redirect URI.
/// A good request is kept server-side and the browser goes to the portal, where the patient signs in and decides.
/// </summary>
public static class SmartAuthorize
{
    public static IResult Authorize(HttpRequest request, SmartApps apps, SmartAuthorizations authorizations)
    {
        var query = request.Query;
        if (query.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated })
            return Problem($"The parameter '{repeated}' is given more than once (RFC 6749 §3.1).");
        var clientId = query["client_id"].ToString();
        if (clientId.Length == 0) return Problem("client_id is missing.");
        if (apps.Find(clientId) is not { } app) return Problem($"No app is registered with client_id '{clientId}' on this server; its operator registers apps.");
        var redirectUri = query["redirect_uri"].ToString();
        if (redirectUri.Length == 0) return Problem("redirect_uri is missing; SMART apps must name one of their registered redirect URIs.");
        if (!app.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
            return Problem($"redirect_uri '{redirectUri}' is not registered for the app '{app.Name}' (exact match required); the browser is not sent there.");

        var state = query["state"].ToString() is { Length: > 0 } s ? s : null;
        IResult Back(string error, string description) => Redirect(redirectUri, error, description, state);

        if (query["response_type"].ToString() != "code") return Back("unsupported_response_type", "Only response_type=code is supported.");
        var challenge = query["code_challenge"].ToString();
        if (challenge.Length == 0) return Back("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256.");
        if (query["code_challenge_method"].ToString() != "S256") return Back("invalid_request", "code_challenge_method must be S256 (plain is not accepted).");
        if (challenge.Length != 43 || !challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return Back("invalid_request", "code_challenge must be the BASE64URL of a SHA-256 (43 characters, no padding).");
        var baseUrl = FhirApi.BaseUrl(request);
        if (query["aud"].ToString().TrimEnd('/') != baseUrl)
            return Back("invalid_request", $"aud must be this FHIR server's base URL, {baseUrl}.");
        var scopes = SmartScopes.Parse(query["scope"].ToString());
        if (scopes.Types.Count == 0)
            return Back("invalid_scope", "The scope asks for no record type this server can grant: ask for patient-level reads, e.g. patient/Observation.rs.");
        if (apps.WhyNotEnrolled(app) is { } notEnrolled)
            return TypedResults.Problem(notEnrolled, statusCode: StatusCodes.Status503ServiceUnavailable, title: "App not enrolled");

        if (authorizations.Hold(app, redirectUri, state, challenge, scopes) is not { } pending)
            return Back("temporarily_unavailable", "Too many authorization requests are waiting; try again in a few minutes.");
        return TypedResults.Redirect($"{request.PathBase}/portal/apps/approve?request={Uri.EscapeDataString(pending.Id)}");
    }

    public static string RedirectUrl(string redirectUri, IReadOnlyDictionary<string, string?> parameters) =>
        QueryHelpers.AddQueryString(redirectUri, parameters.Where(p => p.Value is not null));

    private static IResult Redirect(string redirectUri, string error, string description, string? state) =>
        TypedResults.Redirect(RedirectUrl(redirectUri, new Dictionary<string, string?> { ["error"] = error, ["error_description"] = description, ["state"] = state }));

    private static IResult Problem(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid authorization request");
}

using CareLedger.Ledger.Cryptography;
using Microsoft.Net.Http.Headers;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// CORS for SMART apps that run in the browser alone (ADR 0025). Discovery and the CapabilityStatement are public: any origin
/// may read them. The token, revocation and introspection endpoints, and FHIR reads with an app's token, answer
/// <c>Access-Control-Allow-Origin</c> only to the origins of that app's registered redirect URIs — the app named by the form's
/// client_id, or behind the bearer token — so which origin is allowed is known only once the request is read or
/// authenticated; the decision is made as the answer starts. An error that names no app (a form without a registered
/// client_id) is readable from any registered app's origin. A preflight carries neither token nor body, so it is answered
/// for the origin of any registered app (it lets the browser send the request, whose answer is then held to its own app).
/// No credentials: tokens are bearer, never cookies.
/// Everything outside /fhir, and the portal's own SMART endpoints (authorize, requests), are left alone.
/// </summary>
/// <remarks>
/// Hand-written rather than ASP.NET Core's CORS middleware: its policies are fixed sets of origins, whereas here the set
/// depends on which app the request turns out to be for, and changes whenever apps.json does.
/// </remarks>
public static class SmartCors
{
    /// <summary>The app a token, revocation or introspection request named (set by those endpoints once client_id is a registered app).</summary>
    public sealed record TokenClient(RegisteredApp App);

    private const string ExposedHeaders = "ETag, Last-Modified, Location, Content-Location, Retry-After";

    public static IApplicationBuilder UseSmartCors(this IApplicationBuilder app) => app.Use(AnswerAsync);

    /// <summary>The origin (scheme, host and port, as browsers send it) of each of an app's redirect URIs.</summary>
    public static IEnumerable<string> Origins(RegisteredApp app) =>
        app.RedirectUris.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null).OfType<string>();

    private static Task AnswerAsync(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (!request.Path.StartsWithSegments(FhirApi.Prefix, out var rest) || request.Headers.Origin is not [{ Length: > 0 } origin]) return next(http);
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod.Count > 0;
        if (rest.Value is "/metadata" or "/.well-known/smart-configuration")
        {
            if (preflight) return Preflight(http, "*", "GET");
            http.Response.Headers.AccessControlAllowOrigin = "*";
            return next(http);
        }
        // The OAuth endpoints an app posts its form to.
        var appForm = rest.StartsWithSegments("/auth/token") || rest.StartsWithSegments("/auth/revoke") || rest.StartsWithSegments("/auth/introspect");
        // The portal's side of SMART (authorize, requests) is the node's own pages; no other discovery document is public.
        if (!appForm && (rest.StartsWithSegments("/auth") || rest.StartsWithSegments("/.well-known"))) return next(http);
        if (preflight) return AnyAppAllows(http, origin) ? Preflight(http, origin, appForm ? "POST" : "GET") : next(http);
        http.Response.OnStarting(() =>
        {
            http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
            if (AppOf(http) is { } app ? Allows(app, origin) : (appForm || IsRefusedAppToken(http)) && AnyAppAllows(http, origin))
            {
                http.Response.Headers.AccessControlAllowOrigin = origin;
                http.Response.Headers.AccessControlExposeHeaders = ExposedHeaders;
            }
            return Task.CompletedTask;
        });
        return next(http);
    }

    /// <summary>The app this request turned out to be for: the token endpoint's client, or the app behind a bearer token on a FHIR read.</summary>
    private static RegisteredApp? AppOf(HttpContext http)
    {
        if (http.Features.Get<TokenClient>() is { } client) return client.App;
        return HttpMethods.IsGet(http.Request.Method) ? http.Features.Get<SmartAccess>()?.Access.App : null;
    }

    /// <summary>
    /// Answers that name no app, yet a browser app must be able to read: the token, revocation or introspection endpoint's answer to a
    /// request that named no registered app (no form, no client_id or an unknown one), which can only be an error, and a 401
    /// to an app's token that is expired, revoked or unknown (the app refreshes or authorizes again). Both are readable from
    /// any registered app's origin; they say nothing about anyone.
    /// </summary>
    private static bool IsRefusedAppToken(HttpContext http) =>
        http.Response.StatusCode == StatusCodes.Status401Unauthorized
        && http.Request.Headers.Authorization.ToString().StartsWith("Bearer " + SmartAuthorizations.TokenPrefix, StringComparison.OrdinalIgnoreCase);

    private static bool AnyAppAllows(HttpContext http, string origin) => http.RequestServices.GetRequiredService<SmartApps>().All().Any(a => Allows(a, origin));

    private static bool Allows(RegisteredApp app, string origin) => Origins(app).Contains(origin, StringComparer.OrdinalIgnoreCase);

    private static Task Preflight(HttpContext http, string origin, string methods)
    {
        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = methods;
        headers.AccessControlAllowHeaders = "Authorization, Content-Type";
        headers.AccessControlMaxAge = "600";
        if (origin != "*") headers.Vary = HeaderNames.Origin;
        http.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}

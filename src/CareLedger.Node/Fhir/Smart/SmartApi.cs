using CareLedger.Node.Disk;
using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// SMART on FHIR's standalone patient launch (ADR 0025): discovery, the OAuth 2 authorization endpoint (which hands the
/// browser to the portal, where the patient's approval becomes a ledger grant), the portal's answer to a request, and the
/// token endpoint (authorization code with PKCE S256, refresh tokens, public clients), token revocation (RFC 7009) and
/// introspection (RFC 7662).
/// </summary>
public static class SmartApi
{
    public const string AuthorizePath = FhirApi.Prefix + "/auth/authorize";
    public const string TokenPath = FhirApi.Prefix + "/auth/token";
    public const string RevokePath = FhirApi.Prefix + "/auth/revoke";
    public const string IntrospectPath = FhirApi.Prefix + "/auth/introspect";

    public static IServiceCollection AddSmartApi(this IServiceCollection services)
    {
        services.AddOptions<SmartOptions>().BindConfiguration(SmartOptions.Section);
        services.AddSingleton<SmartAuthorizations>();
        services.AddSingleton<SmartApps>();
        services.AddAuthorization(options => options.AddPolicy(Policies.OAuthPublic, p => p.RequireAssertion(_ => true)));
        return services;
    }

    public static void MapSmartApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(FhirApi.Prefix + "/.well-known/smart-configuration", (HttpRequest request) => TypedResults.Json(Configuration(FhirApi.BaseUrl(request))))
            .AllowAnonymous().WithTags("SMART on FHIR").RequireRateLimiting(RateLimits.Reads)
            .WithSummary("SMART App Launch discovery: the OAuth endpoints, scopes and capabilities of this FHIR server");
        var oauth = app.MapGroup(FhirApi.Prefix + "/auth").WithTags("SMART on FHIR").RequireRateLimiting(RateLimits.Reads);
        oauth.MapGet("/authorize", SmartAuthorize.Authorize).RequireAuthorization(Policies.OAuthPublic)
            .WithSummary("OAuth 2 authorization endpoint (code, PKCE S256): checks the app and sends the browser to the portal, where the patient decides");
        oauth.MapPost("/token", SmartToken.Exchange).RequireAuthorization(Policies.OAuthPublic)
            .WithSummary("OAuth 2 token endpoint: an authorization code and its PKCE verifier, or a refresh token, for an access token to the patient's records");
        oauth.MapPost("/revoke", SmartToken.Revoke).RequireAuthorization(Policies.OAuthPublic).AllowWhileDiskFull() // it only removes state
            .WithSummary("OAuth 2 token revocation (RFC 7009): an app signing out ends its authorization, every access and refresh token of it");
        oauth.MapPost("/introspect", SmartToken.Introspect).RequireAuthorization(Policies.OAuthPublic).AllowWhileDiskFull() // it only reads
            .WithSummary("OAuth 2 token introspection (RFC 7662): whether one of the app's own tokens still works, its scope, patient and expiry");
        oauth.MapGet("/requests/{id}", SmartApproval.Show).RequireAuthorization(Contracts.Membership.Roles.Patient)
            .WithSummary("An app's pending request, for the portal to show the patient (signed by a patient)");
        oauth.MapPost("/requests/{id}/approve", SmartApproval.Approve).RequireAuthorization(Contracts.Membership.Roles.Patient).Documents<AppApproval>()
            .WithSummary("The patient approved with a ledger grant to the app: issues the one-time code and answers where to send the browser");
        oauth.MapPost("/requests/{id}/deny", SmartApproval.Deny).RequireAuthorization(Contracts.Membership.Roles.Patient)
            .WithSummary("The patient refused: answers where to send the browser (error=access_denied)");
        // Another method or path here is answered in SMART's dialects, never by the FHIR fallback ("'auth' is not a resource type").
        app.MapFallback(FhirApi.Prefix + "/auth/{**rest}", Unanswered).AllowAnonymous().ExcludeFromDescription();
        app.MapFallback(FhirApi.Prefix + "/.well-known/{**rest}", Unanswered).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// A SMART endpoint asked with another method is a 405 naming the one it takes: at the token, revocation and introspection endpoints an
    /// OAuth error (apps' OAuth libraries read those), elsewhere a problem. A path no endpoint answers is a 404 problem.
    /// </summary>
    private static IResult Unanswered(HttpRequest request)
    {
        if (request.Path.StartsWithSegments(TokenPath) || request.Path.StartsWithSegments(RevokePath) || request.Path.StartsWithSegments(IntrospectPath))
        {
            request.HttpContext.Response.Headers.Allow = "POST";
            return TypedResults.Json(new OAuthError("invalid_request", $"{request.Path} takes POST with a form (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1), not {request.Method}."),
                statusCode: StatusCodes.Status405MethodNotAllowed);
        }
        if (MethodOf(request.Path) is { } method)
        {
            request.HttpContext.Response.Headers.Allow = method;
            return TypedResults.Problem($"{request.Path} takes {method}, not {request.Method}.", statusCode: StatusCodes.Status405MethodNotAllowed,
                title: "Method not allowed");
        }
        return TypedResults.Problem($"No SMART endpoint answers {request.Method} {request.Path}; see {FhirApi.Prefix}/.well-known/smart-configuration.",
            statusCode: StatusCodes.Status404NotFound, title: "No such SMART endpoint");
    }

    /// <summary>The method the SMART endpoint at <paramref name="path"/> takes, or null when no endpoint is there.</summary>
    private static string? MethodOf(PathString path)
    {
        var segments = (path.Value ?? "")[FhirApi.Prefix.Length..].Trim('/').ToLowerInvariant().Split('/'); // routes match paths without case
        return segments switch
        {
            [".well-known", "smart-configuration"] or ["auth", "authorize"] or ["auth", "requests", { Length: > 0 }] => "GET",
            ["auth", "requests", { Length: > 0 }, "approve" or "deny"] => "POST",
            _ => null,
        };
    }

    public static object Configuration(string baseUrl) => new Dictionary<string, object>
    {
        ["authorization_endpoint"] = baseUrl + "/auth/authorize",
        ["token_endpoint"] = baseUrl + "/auth/token",
        ["revocation_endpoint"] = baseUrl + "/auth/revoke",
        ["revocation_endpoint_auth_methods_supported"] = new[] { "none" },
        ["introspection_endpoint"] = baseUrl + "/auth/introspect",
        ["introspection_endpoint_auth_methods_supported"] = new[] { "none" },
        ["grant_types_supported"] = new[] { "authorization_code", "refresh_token" },
        ["response_types_supported"] = new[] { "code" },
        ["token_endpoint_auth_methods_supported"] = new[] { "none" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["scopes_supported"] = SmartScopes.Supported,
        ["capabilities"] = new[] { "launch-standalone", "client-public", "context-standalone-patient", "permission-patient", "permission-v2", "permission-v1" },
    };

    /// <summary>The CapabilityStatement's oauth-uris extension (SMART App Launch 1.0, still read by many clients).</summary>
    public static Extension OAuthUris(string baseUrl) => new()
    {
        Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
        Extension =
        [
            new Extension("authorize", new FhirUri(baseUrl + "/auth/authorize")),
            new Extension("token", new FhirUri(baseUrl + "/auth/token")),
            new Extension("revoke", new FhirUri(baseUrl + "/auth/revoke")),
            new Extension("introspect", new FhirUri(baseUrl + "/auth/introspect")),
        ],
    };
}

using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using CareLedger.Node.Fhir.Smart;
using CareLedger.Vault.Fhir;
using Microsoft.AspNetCore.Authentication;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Extensions;

namespace CareLedger.Node.Fhir;

/// <summary>
/// The FHIR R4 endpoint at /fhir, for stock FHIR clients: records (create, update, read, vread,
/// history, search), Consent from ledger grants and AuditEvent from the access log. Every answer
/// is FHIR JSON and every error an OperationOutcome.
/// </summary>
public static class FhirApi
{
    public const string Prefix = "/fhir";

    /// <summary>A resource type in a route: upper-case first (<see cref="FhirTypeConstraint"/>), so /fhir/auth and /fhir/.well-known are never one.</summary>
    private const string Type = "{type:" + FhirTypeConstraint.Name + "}";

    /// <summary>The patient compartment's route, which <see cref="SmartAccess"/> tells apart from a record's.</summary>
    public const string CompartmentRoute = "/Patient/{id}/" + Type;

    public static IServiceCollection AddFhirApi(this IServiceCollection services)
    {
        services.AddSingleton<CustodialKeys>();
        services.AddSingleton<CustodialRecords>();
        services.AddSmartApi();
        services.Configure<RouteOptions>(options => options.SetParameterPolicy<FhirTypeConstraint>(FhirTypeConstraint.Name));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, CustodialTokenHandler>(CustodialTokenHandler.Name, null);
        services.AddAuthorization(options =>
            options.AddPolicy(Policies.Custodial, p => p.AddAuthenticationSchemes(CustodialTokenHandler.Name).RequireAuthenticatedUser()));
        return services;
    }

    public static void MapFhirApi(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(Prefix).WithTags("FHIR").AddEndpointFilter(GuardAsync).AddEndpointFilter(SmartAccess.LimitAsync)
            .RequireAuthorization(Policies.Custodial).RequireRateLimiting(RateLimits.Reads);
        fhir.MapGet("/metadata", (HttpRequest request) => new FhirResult(Capability.Statement(BaseUrl(request)), StatusCodes.Status200OK))
            .AllowAnonymous().WithSummary("CapabilityStatement: the resources, interactions and search parameters supported");
        fhir.MapGet("/Consent", ConsentApi.Search).WithSummary("The patient's grants to you or your organisation, as Consent");
        fhir.MapGet("/AuditEvent", AuditEventApi.Search).WithSummary("Your accesses to the patient's records, from the ledger's access log");
        fhir.MapPost("/" + Type, RecordEndpoints.Create).WithSummary("Encrypt and add a record for Patient/{accountId}").Documents<System.Text.Json.Nodes.JsonObject>("application/fhir+json");
        fhir.MapGet("/" + Type, RecordSearch.Search).WithSummary("Search a patient's records by code, date, identifier and _lastUpdated, with _include");
        fhir.MapGet(CompartmentRoute, RecordSearch.Compartment)
            .WithSummary("Search in the patient's compartment: the same as {type}?patient={id}, the patient's ledger account");
        fhir.MapGet($"/{Type}/{{id}}", RecordEndpoints.Read).WithSummary("Read and decrypt a record (logged on the ledger)");
        fhir.MapPut($"/{Type}/{{id}}", RecordEndpoints.Update).WithSummary("Add a new version of a record").Documents<System.Text.Json.Nodes.JsonObject>("application/fhir+json");
        fhir.MapGet($"/{Type}/{{id}}/_history", RecordEndpoints.History).WithSummary("Every version of a record");
        fhir.MapGet($"/{Type}/{{id}}/_history/{{vid}}", RecordEndpoints.VRead).WithSummary("One version of a record");
        fhir.MapFallback("/{**rest}", Unsupported).AllowAnonymous().ExcludeFromDescription();
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";

    public static Bundle Searchset(HttpRequest request) => new()
    {
        Type = Bundle.BundleType.Searchset,
        Link = [new Bundle.LinkComponent { Relation = "self", Url = request.GetEncodedUrl() }],
    };

    public static Bundle.EntryComponent Match(HttpRequest request, Resource resource, Bundle.SearchEntryMode mode = Bundle.SearchEntryMode.Match) => new()
    {
        FullUrl = $"{BaseUrl(request)}/{resource.TypeName}/{resource.Id}",
        Resource = resource,
        Search = new Bundle.SearchComponent { Mode = mode },
    };

    /// <summary>Null when <paramref name="type"/> is a record type; otherwise the 404 or 405 to answer.</summary>
    public static FhirResult? RefuseType(string type, string interaction)
    {
        if (FhirResources.RecordTypes.Contains(type)) return null;
        return type switch
        {
            "Consent" when interaction == "create" => ConsentApi.Create(),
            "Consent" or "AuditEvent" => Outcomes.MethodNotAllowed($"{type} supports only search here: GET {Prefix}/{type}?patient={{accountId}}.", "GET"),
            _ when ModelInfo.IsKnownResource(type) =>
                Outcomes.NotFound($"This server does not serve {type}; it serves {string.Join(", ", FhirResources.RecordTypes.Order())}, Consent and AuditEvent."),
            _ => Outcomes.NotFound($"'{type}' is not a FHIR R4 resource type."),
        };
    }

    private static FhirResult Unsupported(HttpRequest request)
    {
        var path = (request.Path.Value ?? "")[Prefix.Length..].Trim('/');
        var type = path.Split('/')[0];
        if (type.Length == 0 || type[0] is '_' or '$')
            return Outcomes.MethodNotAllowed($"System-level interactions (batch, transaction, whole-system search or history) are not supported; see {Prefix}/metadata.", "GET, POST, PUT");
        if (path.Equals("metadata", StringComparison.OrdinalIgnoreCase))
            return Outcomes.MethodNotAllowed($"The CapabilityStatement is read with GET {Prefix}/metadata, not {request.Method}.", "GET");
        if (RefuseType(type, request.Method) is { StatusCode: StatusCodes.Status404NotFound } unknown) return unknown;
        return Outcomes.MethodNotAllowed($"{request.Method} {request.Path} is not an interaction this server supports; see {Prefix}/metadata.", "GET, POST, PUT");
    }

    /// <summary>JSON only; and an OperationOutcome, never a problem+json page, whatever fails inside.</summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var format = context.HttpContext.Request.Query["_format"].ToString();
        if (format.Length > 0 && format is not ("json" or "application/json" or "application/fhir+json"))
            return Outcomes.NotAcceptable($"This server answers in FHIR JSON only; _format={format} is not available.");
        try
        {
            return await next(context);
        }
        catch (BadHttpRequestException e)
        {
            return Outcomes.Error(e.StatusCode, OperationOutcome.IssueType.Invalid, e.Message);
        }
        catch (Exception e) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FhirApi))
                .LogError(e, "FHIR {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return Outcomes.ServerError("The node could not complete the request; see its log.");
        }
    }
}

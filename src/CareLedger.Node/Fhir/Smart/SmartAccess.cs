using CareLedger.Contracts.Records;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// A request on /fhir made with a SMART access token: the app acts with the key the node holds for it (so the grant is
/// checked and every read is logged as the app's, by <see cref="RecordReader"/>), and only within what the token allows —
/// reads and searches of the token's record types in the token's patient's compartment.
/// </summary>
public sealed record SmartAccess(ApprovedAccess Access)
{
    /// <summary>The app behind a bearer token; throws <see cref="AuthenticationRefused"/> saying why not.</summary>
    public static (Custodian App, SmartAccess Access) Authenticate(string token, SmartAuthorizations authorizations, SmartApps apps, LedgerReader ledger)
    {
        if (authorizations.FindToken(token) is not { } issued)
            throw new AuthenticationRefused(StatusCodes.Status401Unauthorized, "Not authenticated", "The access token is not valid: unknown, expired or revoked. Authorize again.");
        var access = issued.Access;
        // The registration must still be the one the token was issued under: same account and key, not merely the same client id.
        if (apps.Current(access.App) is not { } app)
            throw new AuthenticationRefused(StatusCodes.Status401Unauthorized, "Not authenticated", $"The app '{access.App.Name}' is no longer registered on this server (or was re-registered with another key).");
        if (ledger.State.Get(ConsentGrant.Key(access.Patient, access.GrantId)) is not { } grant || grant.Revoked || grant.Expiry <= ledger.Now)
            throw new AuthenticationRefused(StatusCodes.Status401Unauthorized, "Not authenticated",
                $"The patient's grant {access.GrantId} to this app is revoked or has expired, so its token no longer works.");
        // The registration as it is now: its redirect URIs decide which browser origins may read the answer (SmartCors).
        return (apps.Act(app), new SmartAccess(access with { App = app }));
    }

    /// <summary>Holds a SMART app to its token: GET only, its record types only, its patient only. Other callers pass untouched.</summary>
    public static async ValueTask<object?> LimitAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Features.Get<SmartAccess>() is not { } smart) return await next(context);
        return smart.WhyNot(http) ?? await next(context);
    }

    /// <summary>The OperationOutcome refusing this request under the token, or null when the token allows it.</summary>
    private FhirResult? WhyNot(HttpContext http)
    {
        var request = http.Request;
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        if (pattern.EndsWith("/metadata", StringComparison.Ordinal)) return null;
        if (!HttpMethods.IsGet(request.Method)) return Outcomes.Forbidden("A SMART app's token allows reads and searches only.");
        if (request.RouteValues["type"] is not string type || !Access.Types.Contains(type))
        {
            var what = request.RouteValues["type"] as string ?? request.Path.Value?.Split('/').Skip(2).FirstOrDefault() ?? "this resource";
            return Outcomes.Forbidden($"This app's token does not cover {what}; it allows: {Access.Scope}.");
        }
        if (request.Query.ContainsKey("_include")) return Outcomes.Forbidden("_include is not available with a SMART app's token; read the referenced resources one by one.");
        var patient = Access.Patient.ToString();
        if (request.RouteValues["id"] is string id)
        {
            // Patient/{id}/{type} is the compartment; {type}/{id}… names a record, whose patient the ledger knows.
            if (pattern.EndsWith(FhirApi.CompartmentRoute, StringComparison.Ordinal)) return id == patient ? null : OtherPatient();
            var ledger = http.RequestServices.GetRequiredService<LedgerReader>();
            return RecordLedger.Find(ledger.State, id) is { } record && record.Patient != Access.Patient ? OtherPatient() : null;
        }
        foreach (var name in (string[])["patient", "subject"])
            foreach (var value in request.Query[name])
                if (!RecordResources.TryParsePatient(value ?? "", out var account) || account != Access.Patient) return OtherPatient();
        return null;
    }

    private FhirResult OtherPatient() => Outcomes.Forbidden($"This app's token is for Patient/{Access.Patient} only.");
}

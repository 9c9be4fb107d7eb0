using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using System.Text.Json;
using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// A pending request as the portal shows it to the patient: which app, its ledger account, what it asks to read, and whether it
/// asks to renew its access on its own (a refresh token: <c>offline_access</c> or <c>online_access</c>).
/// </summary>
public sealed record AppRequestView(string Id, string ClientId, string App, string AppAccount, IReadOnlyList<string> Types, DateTimeOffset Expires,
    bool RenewsOnItsOwn);

/// <summary>The patient's approval: the id of the grant they signed on the ledger to the app's account.</summary>
public sealed record AppApproval(string Grant);

/// <summary>Where the portal sends the browser next: the app's redirect URI with a code (or an error) and the app's state.</summary>
public sealed record AppDecision(string Redirect);

/// <summary>
/// The patient's side of an authorization request, called by the portal with requests the patient signs. Approval is not a
/// flag: it names a grant on the ledger that the patient signed to the app's account, and the code is issued only for the
/// record types both asked for and granted. The request is answered once, approved or denied.
/// </summary>
public static class SmartApproval
{
    public static Results<Ok<AppRequestView>, ProblemHttpResult> Show(string id, SmartAuthorizations authorizations, SmartApps apps)
    {
        if (authorizations.Find(id) is not { } request) return Gone(id);
        if (apps.Current(request.App, request.RedirectUri) is null) return Unregistered(request, authorizations);
        return TypedResults.Ok(new AppRequestView(request.Id, request.App.ClientId, request.App.Name, request.App.Account, [.. request.Scopes.Types], request.Expires,
            request.Scopes.Refresh is not null));
    }

    /// <summary>The largest approval body read: a grant id in a JSON object.</summary>
    public const int MaxApprovalBytes = 4 * 1024;

    /// <summary>
    /// Reads its body itself rather than binding it: a bound JSON body would make routing skip this endpoint for another
    /// content type, and the FHIR routes would answer in their own dialect ("'auth' is not a FHIR resource type").
    /// </summary>
    public static async Task<Results<Ok<AppDecision>, ProblemHttpResult>> Approve(string id, HttpRequest body, SignedCaller patient,
        SmartAuthorizations authorizations, SmartApps apps, LedgerReader ledger, CancellationToken ct)
    {
        if (body.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Refusal.Bad("Not JSON", "Send the grant you signed to the app as JSON (application/json): {\"grant\": \"…\"}.").ToProblem();
        if (await RequestBodies.ReadAsync(body, MaxApprovalBytes, ct) is not { } bytes) return Problems.TooLarge(MaxApprovalBytes);
        AppApproval? approval;
        try { approval = JsonSerializer.Deserialize<AppApproval>(bytes, RequestBodies.Json); }
        catch (JsonException) { approval = null; }
        if (approval is null) return Refusal.Bad("Malformed approval", "The body is not {\"grant\": \"…\"}.").ToProblem();
        return Approve(id, approval, patient, authorizations, apps, ledger);
    }

    private static Results<Ok<AppDecision>, ProblemHttpResult> Approve(string id, AppApproval approval, SignedCaller patient, SmartAuthorizations authorizations,
        SmartApps apps, LedgerReader ledger)
    {
        if (authorizations.Find(id) is not { } request) return Gone(id);
        if (apps.Current(request.App, request.RedirectUri) is null) return Unregistered(request, authorizations);
        if (approval.Grant is not { Length: > 0 } grantId) return Refusal.Bad("No grant", "Name the grant you signed to the app: {\"grant\": \"…\"}.").ToProblem();
        if (ledger.State.Get(ConsentGrant.Key(patient.Account, grantId)) is not { } grant)
            return Refusal.Unprocessable("Unknown grant", $"You gave no grant {grantId}; sign it on the ledger first.").ToProblem();
        if (!AccountId.TryParse(request.App.Account, out var appAccount) || grant.Grantee != appAccount)
            return Refusal.Unprocessable("Grant to someone else", $"Grant {grantId} is not to the app '{request.App.Name}' ({request.App.Account}).").ToProblem();
        if (grant.Purpose != Purposes.App)
            return Refusal.Unprocessable("Not an app grant", $"Grant {grantId} has purpose '{grant.Purpose}'; an app's grant has purpose '{Purposes.App}', which reads and never writes.").ToProblem();
        if (grant.Revoked || grant.Expiry <= ledger.Now)
            return Refusal.Unprocessable("Grant not in force", $"Grant {grantId} is revoked or expired.").ToProblem();
        var types = request.Scopes.Types.Intersect(grant.Types).ToHashSet();
        if (types.Count == 0)
            return Refusal.Unprocessable("Nothing granted", $"Grant {grantId} covers none of the record types the app asked for ({string.Join(", ", request.Scopes.Types)}).").ToProblem();
        if (authorizations.Take(id) is null) return Gone(id);

        var code = authorizations.IssueCode(request, new ApprovedAccess(request.App, patient.Account, grantId, types, request.Scopes.Granted(types)));
        return TypedResults.Ok(new AppDecision(SmartAuthorize.RedirectUrl(request.RedirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = request.State })));
    }

    public static Results<Ok<AppDecision>, ProblemHttpResult> Deny(string id, SmartAuthorizations authorizations, SmartApps apps)
    {
        if (authorizations.Take(id) is not { } request) return Gone(id);
        // Never send the browser to a redirect URI the app no longer registers.
        if (apps.Current(request.App, request.RedirectUri) is null) return Unregistered(request, authorizations);
        return TypedResults.Ok(new AppDecision(SmartAuthorize.RedirectUrl(request.RedirectUri, new Dictionary<string, string?>
        {
            ["error"] = "access_denied", ["error_description"] = "The patient did not allow the app.", ["state"] = request.State,
        })));
    }

    /// <summary>The app was removed, or re-registered with another key or without this redirect URI, since it asked: the request ends, no code.</summary>
    private static ProblemHttpResult Unregistered(PendingAuthorization request, SmartAuthorizations authorizations)
    {
        authorizations.Take(request.Id);
        return TypedResults.Problem($"The app '{request.App.Name}' is no longer registered on this server as it was when it asked (or no longer uses its redirect URI); nothing was granted to it.",
            statusCode: StatusCodes.Status404NotFound, title: "App no longer registered");
    }

    private static ProblemHttpResult Gone(string id) =>
        TypedResults.Problem($"No authorization request {id} is waiting: it was answered already or has expired; start again from the app.",
            statusCode: StatusCodes.Status404NotFound, title: "No such request");
}

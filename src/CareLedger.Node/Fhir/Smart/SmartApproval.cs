using CareLedger.Contracts.Records;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>A pending request as the portal shows it to the patient: which app, its ledger account, and what it asks to read.</summary>
public sealed record AppRequestView(string Id, string ClientId, string App, string AppAccount, IReadOnlyList<string> Types, DateTimeOffset Expires);

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
    public static Results<Ok<AppRequestView>, ProblemHttpResult> Show(string id, SmartAuthorizations authorizations)
    {
        if (authorizations.Find(id) is not { } request) return Gone(id);
        return TypedResults.Ok(new AppRequestView(request.Id, request.App.ClientId, request.App.Name, request.App.Account, [.. request.Scopes.Types], request.Expires));
    }

    public static Results<Ok<AppDecision>, ProblemHttpResult> Approve(string id, AppApproval approval, SignedCaller patient, SmartAuthorizations authorizations, LedgerReader ledger)
    {
        if (authorizations.Find(id) is not { } request) return Gone(id);
        if (approval.Grant is not { Length: > 0 } grantId) return Refusal.Bad("No grant", "Name the grant you signed to the app: {\"grant\": \"…\"}.").ToProblem();
        if (ledger.State.Get(ConsentGrant.Key(patient.Account, grantId)) is not { } grant)
            return Refusal.Unprocessable("Unknown grant", $"You gave no grant {grantId}; sign it on the ledger first.").ToProblem();
        if (grant.Grantee?.ToString() != request.App.Account)
            return Refusal.Unprocessable("Grant to someone else", $"Grant {grantId} is not to the app '{request.App.Name}' ({request.App.Account}).").ToProblem();
        if (grant.Revoked || grant.Expiry <= ledger.Now)
            return Refusal.Unprocessable("Grant not in force", $"Grant {grantId} is revoked or expired.").ToProblem();
        var types = request.Scopes.Types.Intersect(grant.Types).ToHashSet();
        if (types.Count == 0)
            return Refusal.Unprocessable("Nothing granted", $"Grant {grantId} covers none of the record types the app asked for ({string.Join(", ", request.Scopes.Types)}).").ToProblem();
        if (authorizations.Take(id) is null) return Gone(id);

        var code = authorizations.IssueCode(request, new ApprovedAccess(request.App, patient.Account, grantId, types, request.Scopes.Granted(types)));
        return TypedResults.Ok(new AppDecision(SmartAuthorize.RedirectUrl(request.RedirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = request.State })));
    }

    public static Results<Ok<AppDecision>, ProblemHttpResult> Deny(string id, SmartAuthorizations authorizations)
    {
        if (authorizations.Take(id) is not { } request) return Gone(id);
        return TypedResults.Ok(new AppDecision(SmartAuthorize.RedirectUrl(request.RedirectUri, new Dictionary<string, string?>
        {
            ["error"] = "access_denied", ["error_description"] = "The patient did not allow the app.", ["state"] = request.State,
        })));
    }

    private static ProblemHttpResult Gone(string id) =>
        TypedResults.Problem($"No authorization request {id} is waiting: it was answered already or has expired; start again from the app.",
            statusCode: StatusCodes.Status404NotFound, title: "No such request");
}

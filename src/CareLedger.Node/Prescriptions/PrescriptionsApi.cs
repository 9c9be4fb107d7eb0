using CareLedger.Contracts;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Api;
using CareLedger.Node.Chain;
using System.Security.Claims;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Prescriptions;

/// <summary>
/// Read endpoints over the prescriptions contract's queries: a prescription with its dispenses, a
/// patient's or a prescriber's prescriptions, and a patient's adherence. The ledger holds no clinical
/// content (that is the encrypted MedicationRequest record); writes are signed transactions. Each serves the
/// contract's answer records as they are (their JSON is their CBOR form, field for field).
/// </summary>
public static class PrescriptionsApi
{
    public static void MapPrescriptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Prescriptions").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/prescriptions/{id}", Show).RequireAuthorization(Policies.Signed)
            .WithSummary("A prescription: terms, fills left, current presentation, alerts and dispenses; for its patient, prescriber, the pharmacy and insurer it is presented to, and overseers")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/prescriptions", List).RequireAuthorization(Policies.Signed)
            .WithSummary("The prescriptions of one patient (?patient=: the patient and practitioners caring for them) or one prescriber (?prescriber=: themselves), " +
                         "in prescription id order a page (limit, after) at a time with a Link rel=next header")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/adherence/{patient}", Adherence).RequireAuthorization(Policies.Signed)
            .WithSummary("A patient's doses taken against doses scheduled, per prescription and as a whole percent; for the patient and practitioners caring for them")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static Results<Ok<PrescriptionDetail>, ProblemHttpResult> Show(string id, LedgerReader ledger, ClaimsPrincipal user)
    {
        if (!CallerIds.IsValid(id)) return Problems.Bad("Bad prescription id", "A prescription id is 1-64 lowercase letters, digits or hyphens.");
        var args = new CborMap { ["prescription"] = id };
        // One the caller may not see answers as one that does not exist, so that probing ids tells nothing.
        if (ledger.Ask<Found<PrescriptionDetail>>(PrescriptionsContract.ContractName, "prescription", args).Value is not { } rx
            || !ledger.MayAsk(user.Asker(), PrescriptionsContract.ContractName, "prescription", args))
            return Problems.NotFound("Unknown prescription", $"No prescription {id} that you may see: a prescription is shown to its patient, its prescriber, the pharmacy and insurer it is presented to, and the consortium's auditors.");
        return TypedResults.Ok(rx);
    }

    /// <summary>
    /// A page of the patient's or the prescriber's prescription index (default and at most 1,000) after the prescription
    /// <paramref name="after"/>; a <c>Link: &lt;…&gt;; rel="next"</c> header addresses the next page.
    /// </summary>
    private static Results<Ok<List<Prescription>>, ProblemHttpResult> List(LedgerReader ledger, ClaimsPrincipal user, HttpResponse response, string? patient,
        string? prescriber, string? limit, string? after)
    {
        if (string.IsNullOrEmpty(patient) == string.IsNullOrEmpty(prescriber))
            return Problems.Bad("Whose prescriptions?", "Give exactly one of ?patient= or ?prescriber= (an account id).");
        var (role, account) = string.IsNullOrEmpty(patient) ? ("prescriber", prescriber!) : ("patient", patient);
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", $"{role} must be an account id of 64 hex characters.");
        if (!ListPage.TryRead(limit, after, out var bad, out var page)) return bad;
        var asker = user.Asker();
        var allowed = role == "patient"
            ? ledger.MayAsk(asker, PrescriptionsContract.ContractName, "prescriptions", new CborMap { ["patient"] = id.ToString() })
            : asker.Oversees || asker.Is(id);
        if (!allowed) return Problems.Refused(user, $"A {role}'s prescriptions are listed to {(role == "patient" ? "the patient, practitioners caring for them" : "the prescriber")} and the consortium's auditors.");
        var (found, next) = role == "patient" ? OfPatient(ledger, id, page) : OfPrescriber(ledger.State, id, page);
        page.LinkNext(response, $"/v1/prescriptions?{role}={id}", next);
        return TypedResults.Ok(found);
    }

    private static (List<Prescription> Found, string Next) OfPatient(LedgerReader ledger, AccountId patient, ListPage page)
    {
        var args = new CborMap { ["patient"] = patient.ToString() };
        page.AddTo(args);
        var list = ledger.Ask<PrescriptionList>(PrescriptionsContract.ContractName, "prescriptions", args);
        return ([.. list.Prescriptions], list.Next);
    }

    private static (List<Prescription> Found, string Next) OfPrescriber(ContractState state, AccountId prescriber, ListPage page)
    {
        var (entries, next) = QueryPaging.Read(state, PrescriberPrescription.Of(prescriber), page.After, page.Limit);
        return ([.. entries.Select(e => state.Get(Prescription.Key(StateKeys.LastSegment(e.Key)))!)], next);
    }

    private static Results<Ok<AdherenceReport>, ProblemHttpResult> Adherence(string patient, LedgerReader ledger, ClaimsPrincipal user)
    {
        if (!AccountId.TryParse(patient, out var id)) return Problems.Bad("Bad account id", "patient must be an account id of 64 hex characters.");
        if (!ledger.MayAsk(user.Asker(), PrescriptionsContract.ContractName, "adherence", new CborMap { ["patient"] = id.ToString() }))
            return Problems.Refused(user, "A patient's adherence is shown to the patient, practitioners caring for them and the consortium's auditors.");
        return TypedResults.Ok(ledger.Ask<AdherenceReport>(PrescriptionsContract.ContractName, "adherence", new CborMap { ["patient"] = id.ToString() }));
    }
}

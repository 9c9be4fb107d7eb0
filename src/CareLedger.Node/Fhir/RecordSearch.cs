using CareLedger.Client.Api;
using System.Net;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Search of a patient's records of one type. The ledger says which records the practitioner may
/// read; each is decrypted and filtered, so every candidate is an access logged on the ledger.
/// </summary>
public static class RecordSearch
{
    public static async Task<IResult> Search(string type, HttpRequest request, CustodialKeys custody, NodeLoopback loopback, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "search") is { } refused) return refused;
        var (custodian, refusal) = custody.Authenticate(request);
        if (custodian is null) return refusal!;
        var (criteria, invalid) = SearchCriteria.Parse(type, request.Query);
        if (criteria is null) return invalid!;

        var bundle = FhirApi.Searchset(request);
        var unavailable = new List<string>();
        IReadOnlyList<RecordSummary> readable;
        try { readable = await loopback.Records.ListAsync(custodian.Key, criteria.Patient, ct); }
        catch (NodeApiException e) when (e.Status == HttpStatusCode.Forbidden)
        {
            readable = [];
            unavailable.Add(e.Detail ?? e.Title);
        }
        catch (NodeApiException e) { return Outcomes.From(e); }

        foreach (var record in readable.Where(r => r.Type == type && !r.Erased))
        {
            try
            {
                var (envelope, json) = await loopback.Records.ReadAsync(custodian.Key, record.Record, ct: ct);
                var resource = RecordEndpoints.Decrypted(json, envelope);
                if (criteria.Matches(resource)) bundle.Entry.Add(FhirApi.Match(request, resource));
            }
            catch (NodeApiException e) { unavailable.Add($"{type}/{record.Record}: {e.Detail ?? e.Title}"); }
        }
        bundle.Total = bundle.Entry.Count;
        if (unavailable.Count > 0) bundle.Entry.Add(Warnings(unavailable));
        return new FhirResult(bundle, StatusCodes.Status200OK);
    }

    /// <summary>Why records are missing (no grant at all, or a record granted but not yet shared with its key): said, not silently dropped.</summary>
    private static Bundle.EntryComponent Warnings(IEnumerable<string> messages)
    {
        var outcome = new OperationOutcome();
        foreach (var m in messages)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.Suppressed, Details = new CodeableConcept { Text = m },
            });
        return new Bundle.EntryComponent { Resource = outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } };
    }
}

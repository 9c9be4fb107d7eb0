using CareLedger.Node.Records;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Search of a patient's records of one type. The ledger says which records the practitioner may
/// read; each is decrypted and filtered, so every candidate is an access logged on the ledger.
/// </summary>
public static class RecordSearch
{
    public static IResult Search(string type, HttpRequest request, Custodian custodian, CustodialRecords records, RecordReader reader)
    {
        if (FhirApi.RefuseType(type, "search") is { } refused) return refused;
        var (criteria, invalid) = SearchCriteria.Parse(type, request.Query);
        if (criteria is null) return invalid!;

        var bundle = FhirApi.Searchset(request);
        var unavailable = new List<string>();
        var list = reader.List(custodian.Account, criteria.Patient, criteria.After);
        if (list.Refusal is { Status: StatusCodes.Status403Forbidden } forbidden) unavailable.Add(forbidden.Detail);
        else if (list.Refusal is { } refusal) return Outcomes.From(refusal);

        // A page of the records in id order after the continuation; each candidate is decrypted (a logged read), so a page stops at _count matches.
        var candidates = (list.Value?.Records ?? []).Where(r => r.Type == type && !r.Erased).ToList();
        var matches = new List<Resource>();
        var next = list.Value?.Next ?? "";
        for (var i = 0; i < candidates.Count; i++)
        {
            if (matches.Count == criteria.Count)
            {
                next = candidates[i - 1].Record;
                break;
            }
            var read = records.Read(custodian, candidates[i].Record, null);
            if (read.Refusal is { } notRead)
            {
                unavailable.Add($"{type}/{candidates[i].Record}: {notRead.Detail}");
                continue;
            }
            var resource = RecordEndpoints.Decrypted(read.Value.Json, read.Value.Envelope);
            if (criteria.Matches(resource)) matches.Add(resource);
        }
        SearchPaging.Fill(bundle, request, matches, next);
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

using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;
using CareLedger.Vault.Storage;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Search of a patient's records of one type, by type (<c>Observation?patient=…</c>) or in the patient's compartment
/// (<c>Patient/{accountId}/Observation</c>). The ledger says which records the practitioner may read and when each
/// was last updated (<c>_lastUpdated</c> is evaluated there, before anything is decrypted); each remaining candidate
/// is decrypted and filtered, so every candidate is an access logged on the ledger. <c>_include</c> adds the records
/// the matches reference, read the same way: only what the practitioner may read, each read logged.
/// </summary>
public static class RecordSearch
{
    /// <summary>One page of a search: the matches, where the next page starts ("" when none), and why records are missing.</summary>
    public sealed record Page(List<Resource> Matches, string Next, List<string> Unavailable);

    public static IResult Search(string type, HttpRequest request, Custodian custodian, CustodialRecords records, RecordReader reader, LedgerReader ledger)
    {
        if (FhirApi.RefuseType(type, "search") is { } refused) return refused;
        var (criteria, invalid) = SearchCriteria.Parse(type, request.Query);
        return criteria is null ? invalid! : Answer(type, criteria, request, custodian, records, reader, ledger);
    }

    /// <summary>GET Patient/{accountId}/{type}: the patient compartment, the same search as {type}?patient={accountId}.</summary>
    /// <remarks>The route also catches Patient/{recordId}/_history, a Patient record's history, and answers it as such.</remarks>
    public static async Task<IResult> Compartment(string id, string type, HttpRequest request, Custodian custodian, CustodialRecords records, RecordReader reader,
        LedgerReader ledger, CancellationToken ct)
    {
        if (type == "_history") return await RecordEndpoints.History("Patient", id, request, custodian, records, reader, ledger, ct);
        if (!AccountId.TryParse(id, out var patient)) return Outcomes.NotFound($"Patient/{id} is not a patient of this server. {RecordResources.PatientMapping}");
        if (type is "Consent" or "AuditEvent")
            return type == "Consent" ? ConsentApi.SearchIn(request, custodian, ledger, patient) : AuditEventApi.SearchIn(request, custodian, ledger, patient);
        if (FhirApi.RefuseType(type, "search") is { } refused) return refused;
        var (criteria, invalid) = SearchCriteria.Parse(type, request.Query, patient);
        return criteria is null ? invalid! : Answer(type, criteria, request, custodian, records, reader, ledger);
    }

    private static FhirResult Answer(string type, SearchCriteria criteria, HttpRequest request, Custodian custodian, CustodialRecords records, RecordReader reader, LedgerReader ledger)
    {
        var (page, refusal) = Run(type, criteria, custodian, records, reader);
        if (page is null) return refusal!;
        var bundle = FhirApi.Searchset(request);
        SearchPaging.Fill(bundle, request, page.Matches, page.Next);
        if (criteria.Includes.Count > 0)
            foreach (var included in Included(criteria, page.Matches, FhirApi.BaseUrl(request), custodian, records, reader, ledger, page.Unavailable))
                bundle.Entry.Add(FhirApi.Match(request, included, Bundle.SearchEntryMode.Include));
        if (page.Unavailable.Count > 0) bundle.Entry.Add(Warnings(page.Unavailable));
        return new FhirResult(bundle, StatusCodes.Status200OK);
    }

    /// <summary>A page of the records in id order after the continuation; each candidate is decrypted (a logged read), so a page stops at _count matches.</summary>
    public static (Page? Page, FhirResult? Refusal) Run(string type, SearchCriteria criteria, Custodian custodian, CustodialRecords records, RecordReader reader)
    {
        var unavailable = new List<string>();
        var list = reader.List(custodian.Account, criteria.Patient, criteria.After);
        if (list.Refusal is { Status: StatusCodes.Status403Forbidden } forbidden) unavailable.Add(forbidden.Detail);
        else if (list.Refusal is { } refusal) return (null, Outcomes.From(refusal));

        var candidates = (list.Value?.Records ?? []).Where(r => r.Type == type && !r.Erased && criteria.UpdatedMatches(r.Updated)).ToList();
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
        return (new Page(matches, next, unavailable), null);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> matches over every page: what a conditional create needs to tell none, one and several apart.
    /// Records the practitioner may not read are not among them.
    /// </summary>
    public static (List<Resource>? Matches, FhirResult? Refusal) Find(string type, SearchCriteria criteria, int limit, Custodian custodian, CustodialRecords records, RecordReader reader)
    {
        var found = new List<Resource>();
        string? after = null;
        do
        {
            var (page, refusal) = Run(type, criteria.Continue(after, limit - found.Count), custodian, records, reader);
            if (page is null) return (null, refusal);
            found.AddRange(page.Matches);
            after = page.Next;
        }
        while (found.Count < limit && after.Length > 0);
        return (found, null);
    }

    /// <summary>
    /// The resources the matches reference through the _include parameters, once each and not repeating a match. A record is
    /// read like any other (consent-checked, logged; one the practitioner may not read is reported, not included). A reference
    /// to the patient (Patient/{accountId}) brings the patient's Patient records the practitioner may read.
    /// </summary>
    /// <summary>The most records one page includes through _include.</summary>
    public const int MaxIncludes = 100;

    private static List<Resource> Included(SearchCriteria criteria, List<Resource> matches, string baseUrl, Custodian custodian, CustodialRecords records, RecordReader reader,
        LedgerReader ledger, List<string> unavailable)
    {
        var seen = matches.Select(m => $"{m.TypeName}/{m.Id}").ToHashSet(StringComparer.Ordinal);
        var wanted = new List<(string Type, string Id)>();
        var patients = new HashSet<AccountId>();
        foreach (var include in criteria.Includes)
            foreach (var match in matches)
                foreach (var reference in include.References(match, baseUrl))
                {
                    if (reference.Type == "Patient" && AccountId.TryParse(reference.Id, out var account))
                    {
                        if (!patients.Add(account)) continue;
                        // Every page of the index: the ledger's index, read without decrypting, up to the patient's Patient records.
                        string? after = null;
                        do
                        {
                            var list = reader.List(custodian.Account, account, after);
                            foreach (var summary in list.Value?.Records ?? [])
                                if (summary.Type == "Patient" && !summary.Erased) wanted.Add(("Patient", summary.Record));
                            after = list.Value?.Next ?? "";
                        }
                        while (after.Length > 0);
                    }
                    else if (VaultStore.IsRecordId(reference.Id)) wanted.Add(reference);
                }

        var included = new List<Resource>();
        var reads = 0;
        foreach (var (type, id) in wanted)
        {
            if (!seen.Add($"{type}/{id}")) continue;
            // Each include is a decryption and a logged access: a page brings at most MaxIncludes, and says what it left.
            if (reads == MaxIncludes)
            {
                unavailable.Add($"more than {MaxIncludes} referenced records: the rest are not included in this page (ask for fewer matches with _count)");
                break;
            }
            if (RecordEndpoints.Locate(ledger, type, id) is not null) continue; // a dangling or erased reference: nothing to include
            reads++;
            var read = records.Read(custodian, id, null);
            if (read.Refusal is { } notRead) unavailable.Add($"{type}/{id} (referenced, not included): {notRead.Detail}");
            else included.Add(RecordEndpoints.Decrypted(read.Value.Json, read.Value.Envelope));
        }
        return included;
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

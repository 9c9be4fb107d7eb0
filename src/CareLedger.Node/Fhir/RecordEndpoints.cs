using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;
using CareLedger.Vault.Fhir;
using CareLedger.Vault.Records;
using CareLedger.Vault.Storage;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.WebUtilities;
using Task = System.Threading.Tasks.Task;

namespace CareLedger.Node.Fhir;

/// <summary>create, update, read, vread and history of records, acting as the custodial practitioner.</summary>
public static class RecordEndpoints
{
    /// <summary>
    /// A new record; with If-None-Exist (search parameters, the resource's patient unless they name one) a conditional create:
    /// no match creates, one match answers it (200, nothing written), several are 412 — so a retried POST makes no duplicate.
    /// </summary>
    public static async Task<IResult> Create(string type, HttpRequest request, Custodian custodian, CustodialRecords records, RecordReader reader,
        LedgerReader ledger, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "create") is { } refused) return refused;
        var (resource, invalid) = await ReadResourceAsync(request, type, ct);
        if (resource is null) return invalid!;
        if (!RecordResources.TryPatientOf(resource, out var patient)) return Outcomes.Unprocessable(RecordResources.PatientMapping);

        if (ledger.FindMember(patient)?.Role != Roles.Patient) return Outcomes.Unprocessable($"Patient/{patient} is not a patient registered on the ledger.");
        var allowed = RecordAccess.CheckWrite(ledger.State, patient, custodian.Account, type, null, ledger.Now);
        if (!allowed.Allowed) return Outcomes.Forbidden(allowed.Reason);

        if (request.Headers["If-None-Exist"].ToString() is { Length: > 0 } condition)
        {
            var query = QueryHelpers.ParseQuery(condition[(condition.IndexOf('?') + 1)..]);
            if (query.Keys.FirstOrDefault(k => k is "_count" or "ct" or "_include") is { } paging)
                return Outcomes.BadRequest($"If-None-Exist takes search parameters that identify the resource; '{paging}' is not one.");
            var (criteria, badCriteria) = SearchCriteria.Parse(type, query, patient);
            if (criteria is null) return badCriteria!;
            var (existing, refusal) = RecordSearch.Find(type, criteria, 2, custodian, records, reader);
            if (existing is null) return refusal!;
            if (existing.Count > 1)
                return Outcomes.Error(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Duplicate,
                    $"If-None-Exist: {condition} matches more than one {type} of Patient/{patient}; make the criteria more selective.");
            if (existing.Count == 1)
                return Versioned(request, existing[0], StatusCodes.Status200OK)
                    .WithHeader("Location", $"{FhirApi.BaseUrl(request)}/{type}/{existing[0].Id}/_history/{existing[0].Meta!.VersionId}")
                    .AsPreferred(request, $"{type}/{existing[0].Id} already matches If-None-Exist: {condition}; nothing was created.");
        }

        RecordResources.PrepareForStorage(resource, patient);
        var added = await records.AddAsync(custodian, patient, FhirResources.ToJson(resource), ct);
        return added.Refusal is { } failed
            ? Outcomes.From(failed)
            : Stored(request, ledger, resource, added.Value!, StatusCodes.Status201Created).AsPreferred(request, $"Created {type}/{added.Value} version 1.");
    }

    /// <summary>A new version of an existing record; If-Match W/"n" makes it conditional on the current version.</summary>
    public static async Task<IResult> Update(string type, string id, HttpRequest request, Custodian custodian, CustodialRecords records, LedgerReader ledger, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "update") is { } refused) return refused;
        if (Locate(ledger, type, id) is { } missing) return missing;
        var (resource, invalid) = await ReadResourceAsync(request, type, ct);
        if (resource is null) return invalid!;
        if (resource.Id != id) return Outcomes.BadRequest($"The resource's id ({resource.Id ?? "none"}) must equal the id in the URL ({id}).");

        var record = RecordLedger.Find(ledger.State, id)!;
        if (!RecordResources.TryPatientOf(resource, out var patient) || patient != record.Patient)
            return Outcomes.Unprocessable($"Record {id} belongs to Patient/{record.Patient}; an update cannot move it to another patient. " + RecordResources.PatientMapping);
        if (IfMatch(request) is { } expected && expected != record.Version)
            return Outcomes.Error(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Conflict, $"Record {id} is at version {record.Version}, not {expected}.");
        var allowed = RecordAccess.CheckWrite(ledger.State, patient, custodian.Account, type, id, ledger.Now);
        if (!allowed.Allowed) return Outcomes.Forbidden(allowed.Reason);

        RecordResources.PrepareForStorage(resource, patient);
        var updated = await records.UpdateAsync(custodian, id, FhirResources.ToJson(resource), ct);
        return updated.Refusal is { } refusal
            ? Outcomes.From(refusal)
            : Stored(request, ledger, resource, id, StatusCodes.Status200OK).AsPreferred(request, $"Updated {type}/{id} to version {resource.Meta!.VersionId}.");
    }

    /// <summary>
    /// The current version; a conditional read (If-None-Match: W/"n", If-Modified-Since) is 304 when the client's copy is
    /// current. The read is consent-checked and logged on the ledger first, like any other: a 304 is never an unlogged access.
    /// </summary>
    public static async Task<IResult> Read(string type, string id, HttpRequest request, Custodian custodian, CustodialRecords records, LedgerReader ledger,
        CancellationToken ct)
    {
        await records.FetchCopyAsync(custodian, id, null, ct);
        var result = ReadVersion(type, id, null, request, custodian, records, ledger);
        if (result.StatusCode != StatusCodes.Status200OK || result.Resource?.Meta is not { } meta) return result;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0)
            return ifNoneMatch.Split(',').Any(tag => tag.Trim() is "*" || Version(tag) == meta.VersionId) ? result.NotModified() : result;
        return DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var since)
            && meta.LastUpdated is { } updated && updated.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds()
            ? result.NotModified()
            : result;
    }

    public static async Task<IResult> VRead(string type, string id, string vid, HttpRequest request, Custodian custodian, CustodialRecords records, LedgerReader ledger,
        CancellationToken ct)
    {
        if (!long.TryParse(vid, out var version) || version < 1) return Outcomes.NotFound($"'{vid}' is not a version of {type}/{id}.");
        await records.FetchCopyAsync(custodian, id, version, ct);
        return ReadVersion(type, id, version, request, custodian, records, ledger);
    }

    /// <summary>Every version, newest first; each one read is an access on the ledger like any other.</summary>
    public static async Task<IResult> History(string type, string id, HttpRequest request, Custodian custodian, CustodialRecords records, RecordReader reader,
        LedgerReader ledger, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "history") is { } refused) return refused;
        if (Locate(ledger, type, id) is { } missing) return missing;
        var summary = reader.History(custodian.Account, id);
        if (summary.Refusal is { } denied) return Outcomes.From(denied);
        foreach (var v in summary.Value!.Versions) await records.FetchCopyAsync(custodian, id, v.Version, ct);
        var bundle = new Bundle { Type = Bundle.BundleType.History, Total = summary.Value!.Versions.Count };
        foreach (var v in summary.Value.Versions.OrderByDescending(v => v.Version))
        {
            var read = records.Read(custodian, id, v.Version);
            if (read.Refusal is { } refusal) return Outcomes.From(refusal);
            var first = v.Version == 1;
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{FhirApi.BaseUrl(request)}/{type}/{id}",
                Resource = Decrypted(read.Value.Json, read.Value.Envelope),
                Request = new Bundle.RequestComponent { Method = first ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT, Url = first ? type : $"{type}/{id}" },
                Response = new Bundle.ResponseComponent
                {
                    Status = first ? "201 Created" : "200 OK", Etag = $"W/\"{v.Version}\"", LastModified = DateTimeOffset.FromUnixTimeMilliseconds(v.Time),
                },
            });
        }
        return new FhirResult(bundle, StatusCodes.Status200OK);
    }

    private static FhirResult ReadVersion(string type, string id, long? version, HttpRequest request, Custodian custodian, CustodialRecords records, LedgerReader ledger)
    {
        if (FhirApi.RefuseType(type, "read") is { } refused) return refused;
        if (Locate(ledger, type, id) is { } missing) return missing;
        var read = records.Read(custodian, id, version);
        return read.Refusal is { } refusal
            ? Outcomes.From(refusal)
            : Versioned(request, Decrypted(read.Value.Json, read.Value.Envelope), StatusCodes.Status200OK);
    }

    /// <summary>A record version as an answer, with ETag, Last-Modified and Content-Location naming the version.</summary>
    private static FhirResult Versioned(HttpRequest request, Resource resource, int status) =>
        new FhirResult(resource, status).WithVersionHeaders()
            .WithHeader("Content-Location", $"{FhirApi.BaseUrl(request)}/{resource.TypeName}/{resource.Id}/_history/{resource.Meta!.VersionId}");

    /// <summary>The version in an entity tag, W/"n" or "n".</summary>
    private static string Version(string tag) => tag.Trim().Replace("W/", "", StringComparison.Ordinal).Trim('"');

    /// <summary>404 unless a record of this type has this id; 410 if the patient erased it.</summary>
    internal static FhirResult? Locate(LedgerReader ledger, string type, string id)
    {
        if (type == "Patient" && AccountId.TryParse(id, out _))
            return Outcomes.NotFound($"Patient/{id} names a ledger account, not a record: search Patient?patient={id} for the Patient records of this account you may read.");
        if (!VaultStore.IsRecordId(id) || RecordLedger.Find(ledger.State, id) is not { } record || record.Type != type)
            return Outcomes.NotFound($"No {type} with id {id}.");
        return record.Erased ? Outcomes.Gone($"{type}/{id} was erased by the patient; only its hash remains on the ledger.") : null;
    }

    internal static Resource Decrypted(string json, RecordEnvelope envelope)
    {
        var parsed = FhirResources.Parse(json);
        if (!parsed.IsValid) throw new InvalidOperationException($"record {envelope.Record} v{envelope.Version} does not hold a valid FHIR resource");
        return RecordResources.Stamp(parsed.Resource!, envelope.Record, envelope.Version, envelope.Time);
    }

    private static FhirResult Stored(HttpRequest request, LedgerReader ledger, Resource resource, string id, int status)
    {
        var state = ledger.State;
        var record = RecordLedger.Find(state, id)!;
        var meta = RecordLedger.FindVersion(state, id, record.Version)!;
        RecordResources.Stamp(resource, id, record.Version, meta.Time);
        return Versioned(request, resource, status)
            .WithHeader("Location", $"{FhirApi.BaseUrl(request)}/{resource.TypeName}/{id}/_history/{record.Version}");
    }

    private static async Task<(Resource? Resource, FhirResult? Invalid)> ReadResourceAsync(HttpRequest request, string type, CancellationToken ct)
    {
        if (request.ContentType is { } contentType && contentType.Contains("xml", StringComparison.OrdinalIgnoreCase))
            return (null, Outcomes.Error(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "This server reads FHIR JSON only (application/fhir+json)."));
        // Refused by its declared length before a byte is read: a client that sent Expect: 100-continue then never sends it.
        if (request.ContentLength > RecordSealing.MaxResourceBytes) return (null, TooLarge());
        var body = new byte[RecordSealing.MaxResourceBytes + 1];
        var length = 0;
        int read;
        while (length < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(length), ct)) > 0) length += read;
        if (length > RecordSealing.MaxResourceBytes) return (null, TooLarge());
        // Checked here because decoding would replace bad bytes with U+FFFD, storing text the clinician never wrote.
        if (!System.Text.Unicode.Utf8.IsValid(body.AsSpan(0, length))) return (null, Outcomes.BadRequest("The body is not valid UTF-8."));
        var parsed = FhirResources.Parse(body.AsSpan(0, length));
        if (!parsed.IsValid) return (null, Outcomes.Invalid(parsed.Errors));
        return parsed.Resource!.TypeName == type
            ? (parsed.Resource, null)
            : (null, Outcomes.BadRequest($"The body is a {parsed.Resource.TypeName}, but was sent to /fhir/{type}."));
    }

    private static FhirResult TooLarge() =>
        Outcomes.Error(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooLong, $"A resource may be at most {RecordSealing.MaxResourceBytes / 1024} KiB here.");

    private static long? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        if (value.Length == 0) return null;
        return long.TryParse(value.Replace("W/", "").Trim('"'), out var version) ? version : -1;
    }
}

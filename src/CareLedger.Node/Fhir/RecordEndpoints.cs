using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Hosting;
using CareLedger.Vault.Fhir;
using CareLedger.Vault.Storage;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace CareLedger.Node.Fhir;

/// <summary>create, update, read, vread and history of records, acting as the custodial practitioner.</summary>
public static class RecordEndpoints
{
    /// <summary>
    /// The ledger commits a record before its ciphertext is uploaded, and the upload (base64, a third
    /// larger) must fit the node's 1 MiB request limit; so a body too large to upload is refused first.
    /// </summary>
    public const int MaxResourceBytes = 512 * 1024;

    public static async Task<IResult> Create(string type, HttpRequest request, CustodialKeys custody, NodeLoopback loopback, LedgerNode node, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "create") is { } refused) return refused;
        var (custodian, refusal) = custody.Authenticate(request);
        if (custodian is null) return refusal!;
        var (resource, invalid) = await ReadResourceAsync(request, type, ct);
        if (resource is null) return invalid!;
        if (!RecordResources.TryPatientOf(resource, out var patient)) return Outcomes.Unprocessable(RecordResources.PatientMapping);

        var state = node.QueryState;
        if (Members.FindMember(state, patient)?.Role != Roles.Patient) return Outcomes.Unprocessable($"Patient/{patient} is not a patient registered on the ledger.");
        var allowed = RecordAccess.CheckWrite(state, patient, custodian.Account, type, null, Now(node));
        if (!allowed.Allowed) return Outcomes.Forbidden(allowed.Reason);

        RecordResources.PrepareForStorage(resource, patient);
        try
        {
            var added = await loopback.WriteAsync(custodian.Account, r => r.AddAsync(custodian.Key, patient, FhirResources.ToJson(resource), ct: ct), ct);
            return Stored(request, node, resource, added.Record, StatusCodes.Status201Created);
        }
        catch (RecordException e) { return Outcomes.Unprocessable(e.Message); }
        catch (NodeApiException e) { return Outcomes.From(e); }
    }

    /// <summary>A new version of an existing record; If-Match W/"n" makes it conditional on the current version.</summary>
    public static async Task<IResult> Update(string type, string id, HttpRequest request, CustodialKeys custody, NodeLoopback loopback, LedgerNode node, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "update") is { } refused) return refused;
        var (custodian, refusal) = custody.Authenticate(request);
        if (custodian is null) return refusal!;
        if (Locate(node, type, id) is { } missing) return missing;
        var (resource, invalid) = await ReadResourceAsync(request, type, ct);
        if (resource is null) return invalid!;
        if (resource.Id != id) return Outcomes.BadRequest($"The resource's id ({resource.Id ?? "none"}) must equal the id in the URL ({id}).");

        var state = node.QueryState;
        var record = state.Get(RecordsContract.RecordPrefix + id)!;
        if (!RecordResources.TryPatientOf(resource, out var patient) || patient.ToString() != record.GetText("patient"))
            return Outcomes.Unprocessable($"Record {id} belongs to Patient/{record.GetText("patient")}; an update cannot move it to another patient. " + RecordResources.PatientMapping);
        if (IfMatch(request) is { } expected && expected != record.GetInt("version"))
            return Outcomes.Error(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Conflict,
                $"Record {id} is at version {record.GetInt("version")}, not {expected}.");
        var allowed = RecordAccess.CheckWrite(state, patient, custodian.Account, type, id, Now(node));
        if (!allowed.Allowed) return Outcomes.Forbidden(allowed.Reason);

        RecordResources.PrepareForStorage(resource, patient);
        try
        {
            await loopback.WriteAsync(custodian.Account, r => r.UpdateAsync(custodian.Key, id, FhirResources.ToJson(resource), ct), ct);
            return Stored(request, node, resource, id, StatusCodes.Status200OK);
        }
        catch (RecordException e) { return Outcomes.Unprocessable(e.Message); }
        catch (NodeApiException e) { return Outcomes.From(e); }
    }

    public static Task<IResult> Read(string type, string id, HttpRequest request, CustodialKeys custody, NodeLoopback loopback, LedgerNode node, CancellationToken ct) =>
        ReadVersionAsync(type, id, null, request, custody, loopback, node, ct);

    public static Task<IResult> VRead(string type, string id, string vid, HttpRequest request, CustodialKeys custody, NodeLoopback loopback, LedgerNode node, CancellationToken ct) =>
        long.TryParse(vid, out var version) && version > 0
            ? ReadVersionAsync(type, id, version, request, custody, loopback, node, ct)
            : Task.FromResult<IResult>(Outcomes.NotFound($"'{vid}' is not a version of {type}/{id}."));

    /// <summary>Every version, newest first; each one read is an access on the ledger like any other.</summary>
    public static async Task<IResult> History(string type, string id, HttpRequest request, CustodialKeys custody, NodeLoopback loopback, LedgerNode node, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "history") is { } refused) return refused;
        var (custodian, refusal) = custody.Authenticate(request);
        if (custodian is null) return refusal!;
        if (Locate(node, type, id) is { } missing) return missing;
        try
        {
            var summary = await loopback.Records.HistoryAsync(custodian.Key, id, ct);
            var bundle = new Bundle { Type = Bundle.BundleType.History, Total = summary.Versions.Count };
            foreach (var v in summary.Versions.OrderByDescending(v => v.Version))
            {
                var (envelope, json) = await loopback.Records.ReadAsync(custodian.Key, id, v.Version, ct: ct);
                var first = v.Version == 1;
                bundle.Entry.Add(new Bundle.EntryComponent
                {
                    FullUrl = $"{FhirApi.BaseUrl(request)}/{type}/{id}",
                    Resource = Decrypted(json, envelope),
                    Request = new Bundle.RequestComponent { Method = first ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT, Url = first ? type : $"{type}/{id}" },
                    Response = new Bundle.ResponseComponent
                    {
                        Status = first ? "201 Created" : "200 OK", Etag = $"W/\"{v.Version}\"", LastModified = DateTimeOffset.FromUnixTimeMilliseconds(v.Time),
                    },
                });
            }
            return new FhirResult(bundle, StatusCodes.Status200OK);
        }
        catch (NodeApiException e) { return Outcomes.From(e); }
    }

    private static async Task<IResult> ReadVersionAsync(string type, string id, long? version, HttpRequest request, CustodialKeys custody, NodeLoopback loopback,
        LedgerNode node, CancellationToken ct)
    {
        if (FhirApi.RefuseType(type, "read") is { } refused) return refused;
        var (custodian, refusal) = custody.Authenticate(request);
        if (custodian is null) return refusal!;
        if (Locate(node, type, id) is { } missing) return missing;
        try
        {
            var (envelope, json) = await loopback.Records.ReadAsync(custodian.Key, id, version, ct: ct);
            return new FhirResult(Decrypted(json, envelope), StatusCodes.Status200OK).WithVersionHeaders();
        }
        catch (NodeApiException e) { return Outcomes.From(e); }
    }

    /// <summary>404 unless a record of this type has this id; 410 if the patient erased it.</summary>
    internal static FhirResult? Locate(LedgerNode node, string type, string id)
    {
        if (type == "Patient" && AccountId.TryParse(id, out _))
            return Outcomes.NotFound($"Patient/{id} names a ledger account, not a record: search Patient?patient={id} for the Patient records of this account you may read.");
        if (!VaultStore.IsRecordId(id) || node.QueryState.Get(RecordsContract.RecordPrefix + id) is not { } record || record.GetText("type") != type)
            return Outcomes.NotFound($"No {type} with id {id}.");
        return record.GetBool("erased") ? Outcomes.Gone($"{type}/{id} was erased by the patient; only its hash remains on the ledger.") : null;
    }

    internal static Resource Decrypted(string json, RecordEnvelope envelope)
    {
        var parsed = FhirResources.Parse(json);
        if (!parsed.IsValid) throw new InvalidOperationException($"record {envelope.Record} v{envelope.Version} does not hold a valid FHIR resource");
        return RecordResources.Stamp(parsed.Resource!, envelope.Record, envelope.Version, envelope.Time);
    }

    private static FhirResult Stored(HttpRequest request, LedgerNode node, Resource resource, string id, int status)
    {
        var record = node.QueryState.Get(RecordsContract.RecordPrefix + id)!;
        var version = record.GetInt("version");
        var meta = node.QueryState.Get($"{RecordsContract.VersionPrefix}{id}/{version:D6}")!;
        RecordResources.Stamp(resource, id, version, meta.GetInt("time"));
        return new FhirResult(resource, status).WithVersionHeaders()
            .WithHeader("Location", $"{FhirApi.BaseUrl(request)}/{resource.TypeName}/{id}/_history/{version}");
    }

    private static async Task<(Resource? Resource, FhirResult? Invalid)> ReadResourceAsync(HttpRequest request, string type, CancellationToken ct)
    {
        if (request.ContentType is { } contentType && contentType.Contains("xml", StringComparison.OrdinalIgnoreCase))
            return (null, Outcomes.Error(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "This server reads FHIR JSON only (application/fhir+json)."));
        var body = new byte[MaxResourceBytes + 1];
        var length = 0;
        int read;
        while (length < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(length), ct)) > 0) length += read;
        if (length > MaxResourceBytes)
            return (null, Outcomes.Error(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooLong, $"A resource may be at most {MaxResourceBytes / 1024} KiB here."));
        var parsed = FhirResources.Parse(body.AsSpan(0, length));
        if (!parsed.IsValid) return (null, Outcomes.Invalid(parsed.Errors));
        return parsed.Resource!.TypeName == type
            ? (parsed.Resource, null)
            : (null, Outcomes.BadRequest($"The body is a {parsed.Resource.TypeName}, but was sent to /fhir/{type}."));
    }

    private static long? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        if (value.Length == 0) return null;
        return long.TryParse(value.Replace("W/", "").Trim('"'), out var version) ? version : -1;
    }

    private static long Now(LedgerNode node) => node.Clock.GetUtcNow().ToUnixTimeMilliseconds();
}

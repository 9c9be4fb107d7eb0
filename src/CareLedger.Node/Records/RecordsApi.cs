using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Api;
using CareLedger.Node.Hosting;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// Encrypted records: reads answered only under a grant that holds at the current block (every
/// attempt logged on the ledger), and uploads of ciphertext and wrapped keys that must match
/// what the ledger committed to. Every request is signed by the caller's account key.
/// </summary>
public static class RecordsApi
{
    public const int MaxBreakGlassReason = 256;

    public static void MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/records").WithTags("Records");
        group.MapGet("/", List).WithSummary("A patient's records the signed caller may read");
        group.MapGet("/access-log", AccessLog).WithSummary("Every access to the signed patient's records, each with the transaction that logged it");
        group.MapGet("/{id}", Read).WithSummary("Ciphertext and the caller's wrapped key, if a grant holds now (logged either way)");
        group.MapGet("/{id}/history", History).WithSummary("A record's versions (metadata only)");
        group.MapPost("/{id}/versions/{version:long}/content", Upload).WithSummary("Store a version's ciphertext and wrapped keys, as committed on the ledger");
        group.MapPost("/grants/{grantId}/keys", UploadGrantKeys).WithSummary("Store the keys a grant re-wrapped for its grantee");
    }

    private static async Task<IResult> Read(string id, long? version, string? breakGlass, HttpRequest request, LedgerNode node, AccessLogger accessLog, CancellationToken ct)
    {
        var (caller, problem) = await SignedCaller.AuthenticateAsync(request, node.Clock);
        if (caller is null) return problem!;
        if (breakGlass is { Length: > MaxBreakGlassReason }) return Problems.Bad("Reason too long", $"A break-glass reason is at most {MaxBreakGlassReason} characters.");
        if (!accessLog.HasRoom) return TypedResults.Problem("The access log cannot take more entries right now; no record is served unlogged. Retry shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Access log busy");
        var state = node.QueryState;
        if (state.Get(RecordsContract.RecordPrefix + id) is not { } record) return Problems.NotFound("Unknown record", $"No record {id}.");

        var now = node.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var decision = RecordAccess.CheckRead(state, id, caller.Account, now);
        var breakGlassReason = breakGlass ?? "";
        var glassBroken = false;
        // Break the glass when no grant covers the record, or one does but no key was shared yet.
        var needsEmergency = !decision.Allowed || node.Vault.GetKey(id, caller.Account) is null;
        if (needsEmergency && breakGlassReason.Length > 0 && !record.GetBool("erased"))
        {
            var emergency = RecordAccess.CheckBreakGlass(state, caller.Account, now);
            if (emergency.Allowed)
            {
                decision = emergency with { Reason = RecordsContract.BreakGlassReasonPrefix + breakGlassReason };
                glassBroken = true;
            }
            else if (!decision.Allowed)
            {
                decision = emergency;
            }
        }
        if (!decision.Allowed)
        {
            accessLog.Record(id, caller, "none", granted: false, decision.Reason, breakGlass: false);
            return SignedCaller.Forbidden(decision.Reason);
        }

        var v = version ?? record.GetInt("version");
        if (state.Get($"{RecordsContract.VersionPrefix}{id}/{v:D6}") is not { } meta) return Problems.NotFound("Unknown version", $"Record {id} has no version {v}.");
        var blob = node.Vault.GetBlob(id, Hash256.Parse(meta.GetText("contentHash")));
        var wrapped = node.Vault.GetKey(id, caller.Account) ?? (glassBroken ? EmergencyRewrap(node, state, id, caller) : null);
        if (blob is null || wrapped is null)
        {
            var reason = blob is null ? "the vault holds no ciphertext for this version (not uploaded yet)" : "no key has been shared with you for this record; ask the patient to grant it again";
            accessLog.Record(id, caller, decision.Purpose!, granted: false, reason, glassBroken);
            return TypedResults.Problem(reason, statusCode: StatusCodes.Status409Conflict, title: "Record not available");
        }

        accessLog.Record(id, caller, decision.Purpose!, granted: true, decision.Reason, glassBroken);
        return TypedResults.Ok(new RecordEnvelope(id, record.GetText("patient"), record.GetText("type"), v, meta.GetText("author"), meta.GetInt("time"),
            meta.GetText("contentHash"), Convert.ToBase64String(blob), Convert.ToBase64String(wrapped), decision.Purpose!, glassBroken));
    }

    /// <summary>Opens the emergency copy the patient left for this node and wraps it for the practitioner who broke the glass.</summary>
    private static byte[]? EmergencyRewrap(LedgerNode node, ContractState state, string id, SignedCaller caller)
    {
        if (node.Vault.GetKey(id, node.ValidatorKey.Account) is not { } escrow) return null;
        if (state.Get(RecordsContract.KeyPrefix + caller.Account) is not { } published) return null;
        var dataKey = KeyWrap.Unwrap(escrow, node.ValidatorKey, id);
        try { return KeyWrap.Wrap(dataKey, published.GetBytes("key"), id); }
        finally { System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey); }
    }

    private static async Task<IResult> History(string id, HttpRequest request, LedgerNode node)
    {
        var (caller, problem) = await SignedCaller.AuthenticateAsync(request, node.Clock);
        if (caller is null) return problem!;
        var state = node.QueryState;
        if (state.Get(RecordsContract.RecordPrefix + id) is null) return Problems.NotFound("Unknown record", $"No record {id}.");
        var decision = RecordAccess.CheckRead(state, id, caller.Account, node.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        return decision.Allowed ? TypedResults.Ok(Summary(state, id)) : SignedCaller.Forbidden(decision.Reason);
    }

    private static async Task<IResult> List(string? patient, HttpRequest request, LedgerNode node)
    {
        var (caller, problem) = await SignedCaller.AuthenticateAsync(request, node.Clock);
        if (caller is null) return problem!;
        if (!AccountId.TryParse(patient, out var patientId)) return Problems.Bad("Bad patient", "Give ?patient=<account id>.");
        var state = node.QueryState;
        var now = node.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = state.Scan($"{RecordsContract.PatientIndexPrefix}{patientId}/").Select(e => e.Key.Split('/')[^1]).ToList();
        var readable = ids.Where(id => caller.Account == patientId || RecordAccess.CheckRead(state, id, caller.Account, now).Allowed).ToList();
        if (caller.Account != patientId && readable.Count == 0) return SignedCaller.Forbidden("no grant from this patient covers any of their records");
        return TypedResults.Ok(readable.Select(id => Summary(state, id)).ToList());
    }

    private static async Task<IResult> AccessLog(string? patient, HttpRequest request, LedgerNode node)
    {
        var (caller, problem) = await SignedCaller.AuthenticateAsync(request, node.Clock);
        if (caller is null) return problem!;
        if (!AccountId.TryParse(patient, out var patientId)) return Problems.Bad("Bad patient", "Give ?patient=<account id>.");
        if (caller.Account != patientId) return SignedCaller.Forbidden("only the patient may read the access log of their records");
        var entries = node.QueryState.Scan($"{RecordsContract.AccessPrefix}{patientId}/").Select(e => e.Value).Select(e => new AccessLogEntry(
            e.GetText("record"), e.GetText("type"), e.GetText("reader"), e.GetText("purpose"), e.GetText("outcome"), e.GetText("reason"),
            e.GetBool("breakGlass"), e.GetInt("time"), e.GetText("node"), e.GetText("tx"))).ToList();
        return TypedResults.Ok(entries);
    }

    private static async Task<IResult> Upload(string id, long version, HttpRequest request, LedgerNode node)
    {
        var body = await RequestBodies.ReadAsync(request, MaxUploadBytes, request.HttpContext.RequestAborted);
        if (body is null) return Problems.TooLarge(MaxUploadBytes);
        var (caller, problem) = await SignedCaller.AuthenticateAsync(request, node.Clock, body);
        if (caller is null) return problem!;
        var upload = ParseJson<RecordContentUpload>(body);
        var state = node.QueryState;
        if (state.Get(RecordsContract.RecordPrefix + id) is not { } record) return Problems.NotFound("Unknown record", $"No record {id} on the ledger: submit records.add first.");
        if (record.GetBool("erased")) return TypedResults.Problem("The record was erased.", statusCode: StatusCodes.Status410Gone, title: "Record erased");
        if (state.Get($"{RecordsContract.VersionPrefix}{id}/{version:D6}") is not { } meta) return Problems.NotFound("Unknown version", $"Record {id} has no version {version} on the ledger.");
        if (meta.GetText("author") != caller.Account.ToString()) return SignedCaller.Forbidden("only the author of this version may upload its content");
        if (!TryDecode(upload, out var blob, out var keys, out var error)) return Problems.Bad("Malformed upload", error);
        if (Hash256.Of(blob).ToString() != meta.GetText("contentHash"))
            return Problems.Unprocessable("Content hash mismatch", "The ciphertext's SHA-256 differs from the content hash on the ledger; nothing was stored.");
        if (keys.Hash().ToString() != meta.GetText("keysHash"))
            return Problems.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the ledger committed to; nothing was stored.");
        foreach (var name in keys.Names)
            if (!AccountId.TryParse(name, out _)) return Problems.Bad("Malformed upload", $"wrapped key name '{name}' is not an account id");
        if (version == 1 && (keys.Get(record.GetText("patient")) is null || keys.Get(caller.Account.ToString()) is null))
            return Problems.Unprocessable("Missing wrapped keys", "The first version must wrap its key for the patient and the author.");

        node.Vault.PutBlob(id, blob);
        foreach (var name in keys.Names) node.Vault.PutKey(id, AccountId.Parse(name), keys.Get(name)!);
        return TypedResults.Ok(new { record = id, version, stored = true });
    }

    private static async Task<IResult> UploadGrantKeys(string grantId, HttpRequest request, LedgerNode node)
    {
        var body = await RequestBodies.ReadAsync(request, MaxUploadBytes, request.HttpContext.RequestAborted);
        if (body is null) return Problems.TooLarge(MaxUploadBytes);
        var (caller, problem) = await SignedCaller.AuthenticateAsync(request, node.Clock, body);
        if (caller is null) return problem!;
        var upload = ParseJson<GrantKeysUpload>(body);
        if (upload is null) return Problems.Bad("Malformed upload", "expected {patient, keys}");
        if (upload.Patient != caller.Account.ToString()) return SignedCaller.Forbidden("only the patient who gave the grant may upload its keys");
        if (node.QueryState.Get($"{RecordsContract.GrantPrefix}{caller.Account}/{grantId}") is not { } grant) return Problems.NotFound("Unknown grant", $"You gave no grant {grantId}.");
        WrappedKeySet keys;
        try { keys = WrappedKeySet.Decode(Convert.FromBase64String(upload.Keys)); }
        catch (Exception e) when (e is FormatException or CborMapException or ArgumentNullException) { return Problems.Bad("Malformed upload", "keys must be base64 of a CBOR map of wrapped keys"); }
        if (keys.Hash().ToString() != grant.GetText("keysHash"))
            return Problems.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the grant committed to; nothing was stored.");
        var parsed = new List<(string Record, AccountId Reader)>();
        foreach (var name in keys.Names)
        {
            var parts = name.Split('/');
            if (parts.Length != 2 || !VaultStore.IsRecordId(parts[0]) || !AccountId.TryParse(parts[1], out var reader)) return Problems.Bad("Malformed upload", $"key name '{name}' is not record/account");
            if (node.QueryState.Get(RecordsContract.RecordPrefix + parts[0]) is not { } r || r.GetText("patient") != caller.Account.ToString())
                return SignedCaller.Forbidden($"record {parts[0]} is not yours");
            parsed.Add((parts[0], reader));
        }
        foreach (var (record, reader) in parsed) node.Vault.PutKey(record, reader, keys.Get($"{record}/{reader}")!);
        return TypedResults.Ok(new { grant = grantId, stored = keys.Count });
    }

    private static RecordSummary Summary(ContractState state, string id)
    {
        var r = state.Get(RecordsContract.RecordPrefix + id)!;
        var versions = state.Scan($"{RecordsContract.VersionPrefix}{id}/").Select(v => new RecordVersionDto(v.Value.GetInt("version"),
            v.Value.GetText("contentHash"), v.Value.GetText("keysHash"), v.Value.GetText("author"), v.Value.GetInt("time"), v.Value.GetText("tx"))).ToList();
        return new RecordSummary(id, r.GetText("patient"), r.GetText("type"), r.GetInt("version"), r.GetText("author"), r.GetInt("created"),
            r.GetInt("updated"), r.GetBool("erased"), versions);
    }

    private static bool TryDecode(RecordContentUpload? upload, out byte[] blob, out WrappedKeySet keys, out string error)
    {
        blob = []; keys = new WrappedKeySet(); error = "";
        if (upload is null) { error = "expected {ciphertext, keys}"; return false; }
        try
        {
            blob = Convert.FromBase64String(upload.Ciphertext);
            keys = WrappedKeySet.Decode(Convert.FromBase64String(upload.Keys));
            return true;
        }
        catch (Exception e) when (e is FormatException or CborMapException or ArgumentNullException)
        {
            error = "ciphertext and keys must be base64 (keys: a CBOR map of wrapped keys)";
            return false;
        }
    }

    private static T? ParseJson<T>(byte[] body) where T : class
    {
        try { return System.Text.Json.JsonSerializer.Deserialize<T>(body, System.Text.Json.JsonSerializerOptions.Web); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>Matches the server's request limit (1 MiB); clients keep resources to 512 KiB so the base64 upload fits.</summary>
    public const int MaxUploadBytes = 1024 * 1024;
}

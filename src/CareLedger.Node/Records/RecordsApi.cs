using System.Text.Json;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Records;

/// <summary>
/// Encrypted records: reads answered only under a grant that holds at the current block (every
/// attempt logged on the ledger), and uploads of ciphertext and wrapped keys that must match
/// what the ledger committed to. Every request is signed by the caller's account key.
/// </summary>
public static class RecordsApi
{
    public static void MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/records").WithTags("Records").RequireAuthorization(Policies.Signed).RequireRateLimiting(RateLimits.Reads)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithSummary("A patient's records the signed caller may read, a page (limit, after) at a time with a Link rel=next header");
        group.MapGet("/access-log", AccessLog)
            .WithSummary("Accesses to the signed patient's records, each with the transaction that logged it, a page (limit, after) at a time with a Link rel=next header");
        group.MapGet("/{id}", Read).WithSummary("Ciphertext and the caller's wrapped key, if a grant holds now (logged either way)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id}/history", History).WithSummary("A record's versions (metadata only)").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/versions/{version:long}/content", Upload).WithSummary("Store a version's ciphertext and wrapped keys, as committed on the ledger")
            .Documents<RecordContentUpload>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/grants/{grantId}/keys", ForgetRevokedKeys)
            .WithSummary("After a revoke: delete the wrapped keys the grant's grantees held for the records it covered (the patient only)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/grants/{grantId}/keys", UploadGrantKeys).WithSummary("Store the keys a grant re-wrapped for its grantee")
            .Documents<GrantKeysUpload>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<Results<Ok<RecordEnvelope>, ProblemHttpResult>> Read(string id, long? version, string? breakGlass, SignedCaller caller, RecordReader reader,
        HttpRequest request, CancellationToken ct) =>
        Answer(await reader.ReadAsync(caller, id, version, breakGlass, BreakGlassReason.From(request), ct));

    private static Results<Ok<RecordSummary>, ProblemHttpResult> History(string id, SignedCaller caller, RecordReader reader) =>
        Answer(reader.History(caller.Account, id));

    /// <summary>A page (default and at most 1,000 records) after the record <paramref name="after"/>; a <c>Link: &lt;…&gt;; rel="next"</c> header addresses the next.</summary>
    private static Results<Ok<IReadOnlyList<RecordSummary>>, ProblemHttpResult> List(string? patient, int? limit, string? after, SignedCaller caller, RecordReader reader,
        HttpResponse response)
    {
        if (!AccountId.TryParse(patient, out var patientId)) return Refusal.Bad("Bad patient", "Give ?patient=<account id>.").ToProblem();
        var page = reader.List(caller.Account, patientId, after, limit);
        LinkNext(response, "/v1/records", patientId, limit, page.Value?.Next);
        return Answer(new Answer<IReadOnlyList<RecordSummary>>(page.Value?.Records, page.Refusal));
    }

    /// <summary>A page (default and at most 1,000 entries) after the cursor <paramref name="after"/>; a <c>Link: &lt;…&gt;; rel="next"</c> header addresses the next.</summary>
    private static Results<Ok<IReadOnlyList<AccessLogEntry>>, ProblemHttpResult> AccessLog(string? patient, int? limit, string? after, SignedCaller caller, RecordReader reader,
        HttpResponse response)
    {
        if (!AccountId.TryParse(patient, out var patientId)) return Refusal.Bad("Bad patient", "Give ?patient=<account id>.").ToProblem();
        var page = reader.AccessLog(caller.Account, patientId, after, limit);
        LinkNext(response, "/v1/records/access-log", patientId, limit, page.Value?.Next);
        return Answer(new Answer<IReadOnlyList<AccessLogEntry>>(page.Value?.Entries, page.Refusal));
    }

    /// <summary>Addresses the next page of a patient's list in a <c>Link: &lt;…&gt;; rel="next"</c> header, when there is one.</summary>
    private static void LinkNext(HttpResponse response, string path, AccountId patient, int? limit, string? next)
    {
        if (string.IsNullOrEmpty(next)) return;
        response.Headers.Link = $"<{path}?patient={patient}&limit={Math.Clamp(limit ?? 1000, 1, 1000)}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
    }

    private static async Task<Results<Ok<UploadStored>, ProblemHttpResult>> Upload(string id, long version, SignedCaller caller, HttpRequest request,
        RecordContent content, CancellationToken ct)
    {
        var upload = await ParseJsonAsync<RecordContentUpload>(request, ct);
        if (upload is null) return Refusal.Bad("Malformed upload", "expected {ciphertext, keys}").ToProblem();
        byte[] blob;
        WrappedKeySet keys;
        try
        {
            blob = Convert.FromBase64String(upload.Ciphertext);
            keys = WrappedKeySet.Decode(Convert.FromBase64String(upload.Keys));
        }
        catch (Exception e) when (e is FormatException or CborMapException or ArgumentNullException)
        {
            return Refusal.Bad("Malformed upload", "ciphertext and keys must be base64 (keys: a CBOR map of wrapped keys)").ToProblem();
        }
        return content.StoreVersion(caller.Account, id, version, blob, keys) is { } refused
            ? refused.ToProblem()
            : TypedResults.Ok(new UploadStored(id, version, keys.Count));
    }

    private static Results<Ok<int>, ProblemHttpResult> ForgetRevokedKeys(string grantId, SignedCaller caller, RecordContent content) =>
        Answer(content.ForgetRevokedKeys(caller.Account, grantId));

    private static async Task<Results<Ok<UploadStored>, ProblemHttpResult>> UploadGrantKeys(string grantId, SignedCaller caller, HttpRequest request,
        RecordContent content, CancellationToken ct)
    {
        var upload = await ParseJsonAsync<GrantKeysUpload>(request, ct);
        if (upload is null) return Refusal.Bad("Malformed upload", "expected {patient, keys}").ToProblem();
        if (upload.Patient != caller.Account.ToString()) return Refusal.Forbidden("only the patient who gave the grant may upload its keys").ToProblem();
        WrappedKeySet keys;
        try { keys = WrappedKeySet.Decode(Convert.FromBase64String(upload.Keys)); }
        catch (Exception e) when (e is FormatException or CborMapException or ArgumentNullException)
        {
            return Refusal.Bad("Malformed upload", "keys must be base64 of a CBOR map of wrapped keys").ToProblem();
        }
        return content.StoreGrantKeys(caller.Account, grantId, keys) is { } refused
            ? refused.ToProblem()
            : TypedResults.Ok(new UploadStored(grantId, null, keys.Count));
    }

    /// <summary>What an upload stored: the record (or grant), the version, and how many wrapped keys.</summary>
    public sealed record UploadStored(string Id, long? Version, int Keys);

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Answer<T> answer) =>
        answer.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(answer.Value!);

    /// <summary>The signed-request scheme already read the body (within its limit); a body that is not the expected JSON is null.</summary>
    private static async Task<T?> ParseJsonAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        try { return await JsonSerializer.DeserializeAsync<T>(request.Body, RequestBodies.Json, ct); }
        catch (JsonException) { return null; }
    }
}

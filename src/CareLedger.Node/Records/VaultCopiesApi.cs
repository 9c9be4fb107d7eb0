using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Authentication;
using CareLedger.Vault.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Records;

/// <summary>
/// Node to node: a record version's ciphertext and exact wrapped-key set, and a grant's, for another consortium node to
/// check against the ledger and keep (ADR 0022). Only consortium nodes may ask (requests signed with their validator key);
/// nothing is served for an erased record or a revoked grant.
/// </summary>
public static class VaultCopiesApi
{
    public static void MapVaultCopiesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/vault").WithTags("Consortium").RequireAuthorization(Policies.ConsortiumNode)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        group.MapGet("/records/{id}/versions/{version:long}", Version)
            .WithSummary("Consortium nodes only: a version's ciphertext and exact wrapped-key set (base64), as its content hash and keys hash on the ledger commit to");
        group.MapGet("/grants/{patient}/{grantId}/keys", GrantKeys)
            .WithSummary("Consortium nodes only: the exact wrapped-key set a grant in force committed to (base64)");
    }

    private static Results<Ok<RecordContentUpload>, ProblemHttpResult> Version(string id, long version, RecordContent content)
    {
        if (!Vault.Storage.VaultStore.IsRecordId(id)) return Refusal.NotFound("Unknown record", $"No record {id}.").ToProblem();
        var answer = content.ServeVersion(id, version);
        return answer.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(answer.Value!);
    }

    private static Results<Ok<GrantKeysUpload>, ProblemHttpResult> GrantKeys(string patient, string grantId, RecordContent content)
    {
        if (!AccountId.TryParse(patient, out var patientId) || !Vault.Storage.VaultStore.IsRecordId(grantId))
            return Refusal.NotFound("Unknown grant", $"No grant {grantId} of {patient}.").ToProblem();
        var answer = content.ServeGrantKeys(patientId, grantId);
        return answer.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(answer.Value!);
    }
}

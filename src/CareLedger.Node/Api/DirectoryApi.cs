using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using CareLedger.Ledger.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Api;

/// <summary>
/// Directory proofs: a public list (an organisation's staff, the validators) with the Merkle path of its group to a
/// block header's directory root and the validators' signatures over that header, so that a client checks the list
/// instead of taking this node's word for it (docs/adr/0016).
/// </summary>
public static class DirectoryApi
{
    /// <summary>How far back from the head a node looks for a header that a majority has signed.</summary>
    private const int SignedHeaderSearch = 64;

    public static void MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/directory", Get).AllowAnonymous().RequireRateLimiting(RateLimits.Reads).WithTags("Blocks")
            .WithSummary("A directory group's complete entries (e.g. group=membership/staff/{org}/ or membership/validator/) with a proof against a header a majority of validators signed")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<DirectoryProofDto>, ProblemHttpResult>> Get(string? group, ILedgerStore store, ContractRuntime runtime, IValidatorSet validatorSet,
        IOptions<NodeOptions> options, HttpResponse response, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(group) || runtime.Directory.GroupOf(group + "x") != group)
            return Problems.Bad("Not a directory group", "Ask for a group of the directory: membership/staff/{organisation}/ or membership/validator/.");
        var deadline = DateTime.UtcNow.AddSeconds(Math.Min(5, options.Value.MaxWaitSeconds));
        while (true)
        {
            // The state and the head are read apart: a block committed in between changes the root, and we read again.
            var head = store.Head!;
            var proof = StateDirectory.Prove(store, group);
            if (proof is null) return Problems.NotFound("Empty group", $"The directory has no entry in '{group}' (an organisation without staff, or none of that name).");
            if (proof.Root == head.DirectoryRoot && await SignedHeaderAsync(store, validatorSet, head, ct) is { } block)
                return TypedResults.Ok(WireFormat.ToDto(new SignedDirectoryProof(block.Header, proof, block.Signatures)));
            if (DateTime.UtcNow >= deadline)
            {
                response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Not final yet", "No recent block with this directory carries a majority of validator signatures on this node yet. Ask again shortly.");
            }
            await Task.Delay(100, ct);
        }
    }

    /// <summary>The newest block with the head's directory root that a majority of the validators signed, or null.</summary>
    private static async Task<Block?> SignedHeaderAsync(ILedgerStore store, IValidatorSet validatorSet, BlockHeader head, CancellationToken ct)
    {
        var validators = validatorSet.Read(store);
        var quorum = validators.Count / 2 + 1;
        for (var h = head.Height; h + SignedHeaderSearch > head.Height; h--)
        {
            var block = await store.GetBlockAsync(h, ct);
            if (block is null || block.Header.DirectoryRoot != head.DirectoryRoot) return null;
            if (block.SignedBy(validators) >= quorum) return block;
            if (h == 0) return null;
        }
        return null;
    }
}

using Microsoft.Extensions.Options;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Verification;
using CareLedger.Node.Chain;
using System.Security.Claims;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>Blocks as JSON or exactly as stored, and Merkle receipts for transactions.</summary>
public static class BlocksApi
{
    public static void MapBlocksApi(this IEndpointRouteBuilder app)
    {
        var blocks = app.MapGroup("/v1/blocks").WithTags("Blocks").ProducesProblem(StatusCodes.Status400BadRequest);
        blocks.MapGet("/", List).AllowAnonymous().WithSummary("Latest blocks' headers, newest first");
        blocks.MapGet("/{id}", Get).RequireAuthorization(Policies.Anyone)
            .WithSummary("A block by height, hash or 'latest': its header and signatures, with the caller's own transactions (every transaction for overseers)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        blocks.MapGet("/{height}/raw", GetRaw).RequireAuthorization(Policies.NodeOrOverseer).WithSummary("A block's stored bytes, for independent verification by nodes and auditors")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/v1/proofs/{txId}", GetProof).RequireAuthorization(Policies.Anyone).WithTags("Blocks")
            .WithSummary("A Merkle receipt for a committed transaction, verifiable offline: for its sender and overseers")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Ok<List<BlockSummaryDto>>> List(ILedgerStore store, ulong? before, int? limit, CancellationToken ct)
    {
        var top = Math.Min(before ?? ulong.MaxValue, store.Head!.Height + 1);
        var count = Math.Clamp(limit ?? 20, 1, 100);
        var list = new List<BlockSummaryDto>();
        for (var h = top; h > 0 && list.Count < count; h--)
        {
            var b = (await store.GetBlockAsync(h - 1, ct))!;
            list.Add(new BlockSummaryDto(b.Height, b.Hash.ToString(), b.Header.Time, b.Transactions.Count, b.Header.Proposer.ToString()));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<BlockDto>, ProblemHttpResult>> Get(string id, ILedgerStore store, LedgerReader ledger, ClaimsPrincipal user, CancellationToken ct)
    {
        var block = await FindAsync(id, store, ct);
        if (block is null) return Problems.NotFound("Unknown block", $"No block '{id}' on this node.");
        var dto = WireFormat.ToDto(block);
        // Arguments name patients and records: the header is public, a transaction only to those it concerns and the overseers.
        if (user.Oversees()) return TypedResults.Ok(dto);
        var asker = user.Asker();
        return TypedResults.Ok(dto with { Transactions = [.. dto.Transactions.Where((_, i) => TransactionAudience.Concerns(block.Transactions[i], asker, ledger))] });
    }

    private static async Task<Results<Ok<RawBlockDto>, ProblemHttpResult>> GetRaw(ulong height, ILedgerStore store, CancellationToken ct)
    {
        var stored = await store.ReadBlocksAsync(height, height, ct).FirstOrDefaultAsync(ct);
        if (stored is null) return Problems.NotFound("Unknown block", $"No block {height} on this node.");
        var gathered = (await store.GetBlockAsync(height, ct))?.Signatures.Select(WireFormat.ToDto).ToList();
        return TypedResults.Ok(new RawBlockDto(stored.Height, Convert.ToBase64String(stored.Header), Convert.ToBase64String(stored.Body), gathered));
    }

    /// <summary>
    /// The receipt with every validator signature this node has gathered. With final=true it waits
    /// (up to timeoutSeconds) until those are a majority of the validators: a receipt that holds
    /// on its own, whichever node a verifier trusts.
    /// </summary>
    private static async Task<Results<Ok<ProofDto>, ProblemHttpResult>> GetProof(string txId, ILedgerStore store, IValidatorSet validatorSet, GenesisDocument genesis, IOptions<NodeOptions> options,
        LedgerReader ledger, ClaimsPrincipal user, bool? final, int? timeoutSeconds, HttpResponse response, CancellationToken ct)
    {
        if (!Hash256.TryParse(txId, out var id)) return Problems.Bad("Bad transaction id", "A transaction id is 64 hex characters.");
        if (await store.FindTransactionAsync(id, ct) is not { } at) return Problems.NotFound("Unknown transaction", $"Transaction {txId} is not committed on this node.");
        var block = (await store.GetBlockAsync(at.Height, ct))!;
        // The proof carries the transaction itself: its sender's to keep, not anyone's to fetch.
        if (!TransactionAudience.Concerns(block.Transactions[at.Index], user.Asker(), ledger))
            return Problems.Refused(user, "A transaction's proof is given to those it concerns (its sender, its patient) and to the consortium's nodes and auditors.");
        if (final == true)
        {
            var deadline = DateTime.UtcNow.AddSeconds(Math.Clamp(timeoutSeconds ?? 10, 1, options.Value.MaxWaitSeconds));
            var validators = validatorSet.Read(store);
            int signers, quorum = validators.Count / 2 + 1;
            while ((signers = block.SignedBy(validators)) < quorum && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
                block = (await store.GetBlockAsync(at.Height, ct))!;
            }
            if (signers < quorum)
            {
                response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Not final yet", $"Block {at.Height} carries {signers} validator signature(s) on this node; a majority is {quorum}. Ask again shortly.");
            }
        }
        return TypedResults.Ok(WireFormat.ToDto(TransactionProof.Build(block, at.Index), genesis.ChainId, id));
    }

    private static async ValueTask<Block?> FindAsync(string id, ILedgerStore store, CancellationToken ct)
    {
        if (id == "latest") return await store.GetBlockAsync(store.Head!.Height, ct);
        if (ulong.TryParse(id, out var height)) return await store.GetBlockAsync(height, ct);
        return Hash256.TryParse(id, out var hash) ? await store.GetBlockAsync(hash, ct) : null;
    }
}

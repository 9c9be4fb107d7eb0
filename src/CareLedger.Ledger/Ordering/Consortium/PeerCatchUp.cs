using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// For a node whose next blocks the log no longer holds (down for long, new, or rebuilding): fetches
/// them from the peers that are ahead, most advanced first. A peer's block is taken only if a quorum
/// of the validators that sign its height signed it (the signatures it carries, with any the log still
/// publishes for that height): the log no longer holds the entry to compare with, and a proposer's
/// signature alone would let one validator and one peer feed us a history the consortium never
/// ordered. It is then applied with the same checks as a block from the log, so nothing is stored
/// that does not execute to the same result.
/// </summary>
public sealed class PeerCatchUp(IBlockLog log, IPeerBlocks peers, ValidatorHistory validators, string self, ILogger logger)
{
    /// <summary>Applies blocks after <paramref name="head"/> up to <paramref name="to"/> with <paramref name="apply"/> (false: refused, the node halted).</summary>
    /// <returns>True once caught up; false when no peer could give a block (try again later) or a block was refused.</returns>
    public async Task<bool> CatchUpAsync(ulong to, Func<ulong> head, Func<Block, CancellationToken, Task<bool>> apply, CancellationToken ct)
    {
        IReadOnlyList<MemberHeartbeat> ahead;
        try
        {
            ahead = (await log.GetMembersAsync(ct)).Where(m => m.Validator != self && m.Height > head())
                .OrderByDescending(m => m.Height).ToList();
        }
        catch (BlockLogException e)
        {
            logger.LogWarning("Cannot list the peers to catch up from: {Reason}", e.Message);
            return false;
        }
        logger.LogWarning("Catching up blocks {From}-{To} from peers ({Peers}): the log no longer holds them", head() + 1, to, ahead.Count);
        while (head() < to)
        {
            var height = head() + 1;
            if (await FetchAsync(ahead, height, ct) is not { } block)
            {
                logger.LogWarning("No peer could give block {Height}; trying again shortly", height);
                return false;
            }
            if (!await apply(block, ct)) return false;
        }
        return true;
    }

    private async Task<Block?> FetchAsync(IReadOnlyList<MemberHeartbeat> ahead, ulong height, CancellationToken ct)
    {
        var set = validators.At(height) ?? validators.Next;
        foreach (var peer in ahead)
        {
            if (await peers.GetAsync(peer.Url, peer.Validator, height, ct) is not { } block || block.Height != height)
            {
                logger.LogDebug("Peer {Peer} could not give block {Height}", peer.Url, height);
                continue;
            }
            if (await WithQuorumAsync(block, set, ct) is { } signed) return signed;
            logger.LogWarning("Refused block {Height} from peer {Peer}: signed by {Signed} of its {Validators} validators, short of a quorum of {Quorum}",
                height, peer.Url, block.SignedBy(set), set.Count, Quorum(set));
        }
        return null;
    }

    /// <summary>The block with enough of its validators' signatures to be taken, adding those the log still publishes; null when short.</summary>
    private async Task<Block?> WithQuorumAsync(Block block, IReadOnlySet<AccountId> set, CancellationToken ct)
    {
        if (block.SignedBy(set) >= Quorum(set)) return block;
        IReadOnlyList<(ulong Height, BlockSignature Signature)> published;
        try { published = await log.ReadSignaturesAsync(block.Height, block.Height, ct); }
        catch (BlockLogException) { return null; }
        if (published.Count == 0) return null;
        var merged = block with { Signatures = [.. block.Signatures, .. published.Select(p => p.Signature)] };
        return merged.SignedBy(set) >= Quorum(set) ? merged : null;
    }

    private static int Quorum(IReadOnlySet<AccountId> set) => set.Count / 2 + 1;
}

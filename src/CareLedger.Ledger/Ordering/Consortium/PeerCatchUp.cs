using CareLedger.Ledger.Blocks;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// For a node whose next blocks the log no longer holds (down for long, new, or rebuilding): fetches
/// them from the peers that are ahead, most advanced first. Each is applied with the same checks as
/// a block from the log, so a peer cannot make us accept anything the proposer did not sign or that
/// does not execute to the same result.
/// </summary>
public sealed class PeerCatchUp(IBlockLog log, IPeerBlocks peers, string self, ILogger logger)
{
    /// <summary>Applies blocks after <paramref name="head"/> up to <paramref name="to"/> with <paramref name="apply"/> (false: refused, the node halted).</summary>
    /// <returns>True once caught up; false when no peer could give a block (try again later) or a block was refused.</returns>
    public async Task<bool> CatchUpAsync(ulong to, Func<ulong> head, Func<Block, CancellationToken, Task<bool>> apply, CancellationToken ct)
    {
        IReadOnlyList<string> ahead;
        try
        {
            ahead = (await log.GetMembersAsync(ct)).Where(m => m.Validator != self && m.Height > head())
                .OrderByDescending(m => m.Height).Select(m => m.Url).ToList();
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

    private async Task<Block?> FetchAsync(IReadOnlyList<string> ahead, ulong height, CancellationToken ct)
    {
        foreach (var peer in ahead)
        {
            if (await peers.GetAsync(peer, height, ct) is { } block && block.Height == height) return block;
            logger.LogDebug("Peer {Peer} could not give block {Height}", peer, height);
        }
        return null;
    }
}

using CareLedger.Ledger.Blocks;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// Blocks as other nodes store them, for a node whose next blocks the log no longer holds. Nothing a
/// peer gives is trusted: each block is applied with exactly the checks of a block from the log.
/// </summary>
public interface IPeerBlocks
{
    /// <summary>
    /// Block <paramref name="height"/> as the node at <paramref name="peerUrl"/> (validator <paramref name="peerValidator"/>, whom the
    /// request is signed for) stores it; null when it cannot give it (down, lacking it, garbled).
    /// </summary>
    Task<Block?> GetAsync(string peerUrl, string peerValidator, ulong height, CancellationToken ct);
}

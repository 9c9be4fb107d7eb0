namespace CareLedger.Ledger.Verification;

/// <summary>Why a block fails its checks; <see cref="None"/> when it passes.</summary>
public enum BlockFault
{
    None,
    /// <summary>The bytes do not decode, or block 0's genesis document cannot start the chain.</summary>
    Damaged,
    /// <summary>Height, parent hash, time, genesis slot or result count do not fit the parent.</summary>
    BrokenLink,
    /// <summary>The transactions root or a stored result is not what the block's contents give.</summary>
    WrongContents,
    /// <summary>The proposer is not a validator, or did not sign.</summary>
    BadProposer,
    /// <summary>A validator signature does not verify, or its signer was not a validator at that height.</summary>
    BadValidatorSignature,
    /// <summary>A transaction's signature does not verify.</summary>
    BadTransactionSignature,
    /// <summary>The block is well formed and signed, but executing it gives another result or state root.</summary>
    Divergent,
    /// <summary>
    /// The block is timed further ahead of the checking node's clock than the consortium allows: not applied (nor signed)
    /// yet, but not wrong either: it becomes acceptable once the node's clock catches up (docs/adr/0012).
    /// </summary>
    AheadOfClock,
}

/// <summary>The verdict of checking one block: a value, since a refused block is an expected outcome, not a bug.</summary>
public readonly record struct BlockVerdict(BlockFault Fault, string? Reason)
{
    public static BlockVerdict Pass => default;
    public static BlockVerdict Fail(BlockFault fault, string reason) => new(fault, reason);
    public bool Ok => Fault == BlockFault.None;
}

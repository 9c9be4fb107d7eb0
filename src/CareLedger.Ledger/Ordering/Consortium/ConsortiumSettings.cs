namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>How one node takes part in consortium ordering.</summary>
public sealed record ConsortiumSettings
{
    /// <summary>This node's API address as the others reach it: where they forward transactions while it leads, and fetch blocks from.</summary>
    public required string AdvertiseUrl { get; init; }

    /// <summary>How long the node's lease lives without renewal: the longest a crashed leader holds up ordering.</summary>
    public int LeaseSeconds { get; init; } = 2;

    /// <summary>How many blocks the log keeps behind the slowest online node.</summary>
    public int LogRetainBlocks { get; init; } = 10_000;

    /// <summary>The most transactions a block holds.</summary>
    public int MaxTransactions { get; init; } = 2_000;

    /// <summary>
    /// How far ahead of a follower's clock a block may be timed and still be applied: a block timed later waits
    /// (unsigned) until the follower's clock catches up, and a clock that far off the others' raises an alert (docs/adr/0012).
    /// </summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a leader waits for more transactions before it cuts a block.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(2);
}

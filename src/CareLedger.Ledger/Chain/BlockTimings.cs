namespace CareLedger.Ledger.Chain;

/// <summary>
/// When a block was executed and stored on this node; <see cref="Ordered"/> when this node proposed it and the
/// consortium's log ordered it between the two (the leader's replication), for the traces of its transactions.
/// </summary>
public readonly record struct BlockTimings(DateTimeOffset ExecuteStart, DateTimeOffset ExecuteEnd, DateTimeOffset StoreStart, DateTimeOffset StoreEnd, bool Ordered);

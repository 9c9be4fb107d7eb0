using CareLedger.Ledger.Chain;

namespace CareLedger.Node.Chain;

/// <summary>
/// A part of the node with work to do when ordering starts: follow committed blocks, make up for
/// blocks committed while the node was down, or submit its own start-up transactions. Registered
/// parts run in registration order.
/// </summary>
public interface INodeStartup
{
    /// <summary>Before ordering starts, on the committed chain (subscriptions, sweeps).</summary>
    void BeforeOrdering(LedgerChain chain)
    {
    }

    /// <summary>Once ordering runs and the node has caught up; may submit transactions and wait for their blocks. Retried on failure.</summary>
    Task AfterCatchUpAsync(CancellationToken ct) => Task.CompletedTask;
}

using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Consortium;

/// <summary>
/// Read-your-writes across the consortium's nodes. A transaction is acknowledged once the node that took it has applied
/// its block; the other nodes apply that block a moment later. So a doctor who reads at the lab's node right after the
/// patient granted at the clinic's can find the lab's node a block behind. Before a read is refused for want of
/// something another node may already have acknowledged (a grant, a record), the node asks the log for its last height
/// and waits, briefly, until it has applied up to it. The log's answer is linearizable (an etcd range read), so whatever
/// any node acknowledged before the read began is then applied here: the idea of Raft's ReadIndex, paid only on refusals.
/// </summary>
public sealed class LogCatchUp(IBlockLog log, TimeSpan patience, ILogger<LogCatchUp> logger) : INodeStartup
{
    /// <summary>How long a read waits for this node to apply what the log holds (<see cref="ConsortiumOptions.ReadCatchUpMs"/>); a node further behind refuses as before.</summary>
    public TimeSpan Patience { get; } = patience;

    private readonly Lock _gate = new();
    private TaskCompletionSource _nextBlock = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LedgerChain? _chain;

    public void BeforeOrdering(LedgerChain chain)
    {
        _chain = chain;
        chain.BlockCommitted += OnBlockCommitted;
    }

    private void OnBlockCommitted(Block block)
    {
        TaskCompletionSource committed;
        lock (_gate)
        {
            committed = _nextBlock;
            _nextBlock = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        committed.SetResult();
    }

    /// <summary>
    /// Waits until this node has applied every block the consortium's log holds now. True when it has; false when the log
    /// cannot be asked or the node is still behind once <see cref="Patience"/> (the question to the log included) is over:
    /// the caller then answers from what it has.
    /// </summary>
    /// <remarks>
    /// Asked afresh for every read, not shared with a question already in flight, which may predate what this reader's
    /// organisation acknowledged. A member's refused read costs one keys-only etcd read here, less than the access-log
    /// entry the refusal writes on the ledger anyway.
    /// </remarks>
    public async Task<bool> CatchUpAsync(CancellationToken ct)
    {
        if (_chain is not { } chain || Patience <= TimeSpan.Zero) return false;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waiting.CancelAfter(Patience);
        ulong? last = null;
        try
        {
            last = await log.LastHeightAsync(waiting.Token);
            while (true)
            {
                Task next;
                lock (_gate) next = _nextBlock.Task;
                // Read after taking the task: a block committed in between completes the task, so it is never missed.
                if (last is null || chain.Head.Height >= last) return true;
                await next.WaitAsync(waiting.Token);
            }
        }
        catch (BlockLogException e)
        {
            logger.LogDebug("Cannot ask the log how far it goes: {Reason}", e.Message);
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug("Still at height {Height} after {Patience}; the log is at {Last}", chain.Head.Height, Patience, last?.ToString() ?? "(not answered)");
            return false;
        }
    }
}

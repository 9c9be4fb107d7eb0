using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// The leader keeps the log to a tail: every <c>retainBlocks / 10</c> blocks it drops blocks more than
/// <paramref name="retainBlocks"/> behind the slowest online node (a halted node's heartbeat holds the
/// tail back until it is repaired). Nodes keep the whole chain; one further behind catches up from peers.
/// </summary>
public sealed class LogTruncation(IBlockLog log, int retainBlocks, ILogger logger)
{
    private int _running;

    /// <summary>The leader appended <paramref name="height"/>: now and then, truncate in the background.</summary>
    public void OnAppended(ulong height, ulong head)
    {
        if (height % (ulong)Math.Max(1, retainBlocks / 10) != 0) return;
        if (Interlocked.Exchange(ref _running, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try { await TruncateAsync(head, CancellationToken.None); }
            finally { Interlocked.Exchange(ref _running, 0); }
        });
    }

    /// <summary>Drops what no online node needs any more.</summary>
    public async Task TruncateAsync(ulong head, CancellationToken ct)
    {
        try
        {
            var slowest = (await log.GetMembersAsync(ct)).Select(m => m.Height).Append(head).Min();
            var keep = slowest > (ulong)retainBlocks ? slowest - (ulong)retainBlocks : 0;
            if (keep == 0 || await log.FirstHeightAsync(ct) is not { } first || first >= keep) return;
            await log.TruncateBelowAsync(keep, ct);
            logger.LogInformation("Truncated the consortium log below block {Height} (slowest online node at {Slowest})", keep, slowest);
        }
        catch (BlockLogException e)
        {
            logger.LogWarning("Could not truncate the consortium log: {Reason}", e.Message);
        }
    }
}

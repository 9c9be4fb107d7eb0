using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;

namespace CareLedger.Node.Tests.Support;

public static class Settling
{
    /// <summary>
    /// Waits until the demo seed has finished: nothing pending and no new block for a quiet spell.
    /// The seed submits its steps one after another, each as soon as the previous is committed,
    /// so a quiet spell much longer than a block's linger means it is done.
    /// </summary>
    public static async Task WaitUntilIdleAsync(this NodeClient client, TimeSpan? quiet = null, TimeSpan? timeout = null)
    {
        var spell = quiet ?? TimeSpan.FromMilliseconds(500);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = await client.GetChainAsync();
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            var now = await client.GetChainAsync();
            if (now.Height != last.Height || now.PendingTransactions > 0 || last.PendingTransactions > 0) quietSince = DateTime.UtcNow;
            else if (DateTime.UtcNow - quietSince >= spell) return;
            last = now;
        }
        throw new TimeoutException($"the node did not settle: height {last.Height}, {last.PendingTransactions} pending");
    }
}

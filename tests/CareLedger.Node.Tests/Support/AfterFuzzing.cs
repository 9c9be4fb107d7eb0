using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Logging;

namespace CareLedger.Node.Tests.Support;

/// <summary>What must hold after a flood of bad requests: the log shows no error, and the chain still verifies.</summary>
public static class AfterFuzzing
{
    /// <summary>Bad input is the client's error: logged once, below Error, without an exception or a stack trace.</summary>
    public static void AssertNothingLoggedAsAnErrorSince(this DemoNodeFixture demo, int count)
    {
        var bad = demo.Node.Logs.Entries.Skip(count)
            .Where(e => e.Level >= LogLevel.Error || e.Exception is not null || e.Message.Contains("   at ", StringComparison.Ordinal))
            .Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}").ToList();
        Assert.Empty(bad);
    }

    /// <summary>
    /// The whole chain replays from genesis to the head's state root; with <paramref name="since"/>, no block after that
    /// height holds a transaction of one of <paramref name="fuzzers"/>: the flood admitted nothing. (The state root alone
    /// would also blame the node's own work meanwhile: an access-log flush, a deadline sweep.)
    /// </summary>
    public static async Task AssertChainVerifiesAsync(this DemoNodeFixture demo, ulong? since = null, params string[] fuzzers)
    {
        var report = await new ChainChecker(g => ConsortiumContracts.CreateRuntime(g.ChainId), LedgerValidatorSet.For).ReplayAsync(demo.Node.Store.ReadBlocksAsync());
        Assert.True(report.Valid, $"block {report.FirstBadHeight}: {report.Reason}");
        Assert.Equal(demo.Node.Chain.Head.StateRoot, report.StateRoot);
        if (since is not { } height) return;
        var senders = fuzzers.Select(demo.Account).ToHashSet();
        var admitted = new List<string>();
        for (var h = height + 1; h <= demo.Node.Chain.Head.Height; h++)
        {
            var block = (await demo.Node.Store.GetBlockAsync(h, CancellationToken.None))!;
            admitted.AddRange(block.Transactions.Where(t => senders.Contains(t.Sender)).Select(t => $"block {h}: {t.Id} from {t.Sender}"));
        }
        Assert.Empty(admitted);
    }
}

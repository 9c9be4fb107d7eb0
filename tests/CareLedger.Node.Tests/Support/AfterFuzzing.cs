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

    /// <summary>The whole chain replays from genesis to the head's state root; with <paramref name="unchanged"/>, that root is still this one.</summary>
    public static async Task AssertChainVerifiesAsync(this DemoNodeFixture demo, Hash256? unchanged = null)
    {
        var report = await new ChainChecker(g => ConsortiumContracts.CreateRuntime(g.ChainId), LedgerValidatorSet.For).ReplayAsync(demo.Node.Store.ReadBlocksAsync());
        Assert.True(report.Valid, $"block {report.FirstBadHeight}: {report.Reason}");
        Assert.Equal(demo.Node.Chain.Head.StateRoot, report.StateRoot);
        if (unchanged is { } root) Assert.Equal(root, report.StateRoot);
    }
}

using System.Net;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// One real node restarts with its clock three weeks behind (the test-only <see cref="ShiftedClock"/> setting): it leaves
/// the others' blocks unapplied and unsigned without halting, and the others go on (docs/adr/0012).
/// </summary>
public sealed class ClockBehindTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private const int Skewed = 2;
    private static readonly TimeSpan Weeks = TimeSpan.FromDays(21);
    private static readonly int[] Honest = [0, 1];

    [Fact]
    public async Task NodeWithItsClockWeeksBehind_WaitsWithoutSigningOrHalting_WhileTheOthersCommitAndFinalise()
    {
        await Cluster.RestartWithClockBehindAsync(Skewed, Weeks, Patience);
        var stoppedAt = (await Cluster.TryHeadAsync(Skewed))!.Value.Height;

        var outcome = await Cluster.TransferAsync(0);
        Assert.True(outcome.Committed, $"{outcome.Status} {outcome.Body}");
        await Cluster.WaitUntilAsync(async () => (await Cluster.TryStatusAsync(Skewed))?.Waiting is not null, Patience, $"node {Skewed} to refuse the next block for its time");
        var head = await Cluster.WaitForSameHeadAsync(Honest, Patience);
        await Cluster.WaitUntilAsync(async () => (await Cluster.TryStatusAsync(0))?.FinalHeight >= head.Height, Patience, "the honest nodes to finalise the head");

        var status = await Cluster.TryStatusAsync(Skewed);
        Assert.Null(status!.Halted);
        Assert.Equal("follower", status.Role);
        Assert.Contains("is timed ahead of this node's clock", status.Waiting);
        Assert.Equal(stoppedAt, (await Cluster.TryHeadAsync(Skewed))!.Value.Height);
        Assert.True(head.Height > stoppedAt);
        using var ready = await Cluster.Http(Skewed).GetAsync("ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(1, await Cluster.MetricAsync(Skewed, "careledger_blocks_refused_future_total"));
        Assert.Equal(1, Cluster.Nodes[Skewed].Output.Split("ALERT: block").Length - 1);
        // Asked with a correct clock, the node refuses the signature as too far from its own: the operator is told what is wrong.
        var (exit, printed) = await Careledger.RunWithPassphraseAsync(DemoConsortium.Passphrase, "consortium", "status", "--node", Cluster.Nodes[Skewed].BaseAddress.ToString(),
            "--as", "clinic-admin", "--keystore", Path.Combine(Cluster.Nodes[0].DataDir, DemoConsortium.KeyFolderName));
        Assert.Equal(1, exit);
        Assert.Contains("more than 5 minutes from the node's clock", printed);
        Log($"node {Skewed} stays at {stoppedAt} while the others reached {head.Height}: {status.Waiting}");
    }
}

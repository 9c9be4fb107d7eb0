using CareLedger.Consortium.Tests.Support;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class ShutdownTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    /// <summary>An operator's stop is not a failure: no critical "ordering failed" line an alerting rule would page on.</summary>
    [Fact]
    public async Task Node_StoppedWithSigterm_ShutsDownWithoutACriticalError()
    {
        var all = new[] { 0, 1, 2 };
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var follower = all.First(i => i != leader);

        Cluster.Nodes[follower].Stop();
        Cluster.Nodes[leader].Stop();

        Assert.False(Cluster.Nodes[follower].IsRunning);
        Assert.False(Cluster.Nodes[leader].IsRunning);
        foreach (var node in new[] { follower, leader })
        {
            var output = Cluster.Nodes[node].Output;
            Assert.False(output.Contains("crit:", StringComparison.Ordinal), $"node {node} logged a critical error when stopped:\n{output}");
        }
    }
}

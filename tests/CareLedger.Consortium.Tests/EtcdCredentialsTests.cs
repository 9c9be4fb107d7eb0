using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// A node given etcd credentials it cannot use (docs/consortium-tls.md) stops at start with one line saying why, never
/// the password; given the right password it follows again.
/// </summary>
public sealed class EtcdCredentialsTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task Node_WithEtcdCredentialsItCannotUse_StopsWithOneLine_AndWithTheRightPasswordFollows()
    {
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var node = Enumerable.Range(0, Cluster.Size).First(i => i != leader);
        Cluster.Nodes[node].Stop();
        using var folder = new TempFolder();
        var passwordFile = Path.Combine(folder.Path, "etcd-password");
        string[] withPassword = [.. Cluster.NodeArgs(node), "--etcd-user", ConsortiumCluster.PasswordUser, "--etcd-password-file", passwordFile];

        var missingCa = Path.Combine(folder.Path, "no-such-ca.pem");
        var output = await FailedStartAsync(node, [.. Cluster.NodeArgs(node), "--etcd-ca", missingCa]);
        Assert.Contains($"error: the node cannot start: cannot read the etcd CA file {missingCa}", output);

        var foreign = new EtcdPki(Path.Combine(folder.Path, "foreign"), "Someone else's CA");
        output = await FailedStartAsync(node, [.. Cluster.NodeArgs(node), "--etcd-ca", foreign.CaFile]);
        Assert.Contains("error: the node cannot start: cannot trust etcd", output);

        var wrong = "not-" + Cluster.EtcdPassword;
        await File.WriteAllTextAsync(passwordFile, wrong + "\n");
        output = await FailedStartAsync(node, withPassword);
        Assert.Contains("error: the node cannot start: etcd refuses this node", output);
        Assert.Contains("authentication failed", output);
        Assert.DoesNotContain(wrong, output);

        await File.WriteAllTextAsync(passwordFile, Cluster.EtcdPassword + "\n");
        await Cluster.StartNodeAsync(node, "--etcd-user", ConsortiumCluster.PasswordUser, "--etcd-password-file", passwordFile);
        var load = StartLoad();
        await load.WaitForMoreAsync(10, Patience);
        await load.StopAsync();
        await Cluster.WaitForSameHeadAsync([0, 1, 2], Patience);
        Assert.Equal("follower", (await Cluster.TryStatusAsync(node))?.Role);
        Assert.DoesNotContain(Cluster.EtcdPassword, Cluster.Nodes[node].Output);
    }

    /// <summary>Starts the node expecting it to exit; returns what it printed, which must be one error line and no stack trace.</summary>
    private async Task<string> FailedStartAsync(int node, string[] args)
    {
        var earlier = Cluster.Nodes[node].Output.Length;
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Cluster.Nodes[node].StartAsync(Patience, args));
        var output = Cluster.Nodes[node].Output[earlier..];
        Log(output.Split('\n').LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? output);
        Assert.Contains("node exited with code 1", failure.Message);
        Assert.DoesNotContain("   at ", output);
        return output;
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class LeaderFailoverTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Leader_KilledTenTimesUnderLoad_EveryAcknowledgedTransactionIsOnEveryNodeOfOneChain() => KillLeaderRepeatedlyAsync(10);

    /// <summary>The same with fifty kills: run with CARELEDGER_SOAK=1 (about five minutes on two cores).</summary>
    [SoakFact]
    [Trait("Category", "Soak")]
    public Task Leader_KilledFiftyTimesUnderLoad_EveryAcknowledgedTransactionIsOnEveryNodeOfOneChain() => KillLeaderRepeatedlyAsync(50);

    private async Task KillLeaderRepeatedlyAsync(int kills)
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        var failovers = new List<TimeSpan>();
        for (var kill = 1; kill <= kills; kill++)
        {
            await load.WaitForMoreAsync(20, Patience);
            var leader = await Cluster.WaitForLeaderAsync(Patience);
            var before = (await Cluster.TryHeadAsync(leader))?.Height ?? 0;
            var clock = Stopwatch.StartNew();
            Cluster.Nodes[leader].Kill();

            var survivors = all.Where(i => i != leader).ToList();
            var (next, height) = await WaitForBlockOfNewLeaderAsync(survivors, before, FailoverBound);
            var failover = clock.Elapsed;
            failovers.Add(failover);

            clock.Restart();
            await Cluster.StartNodeAsync(leader);
            var target = (await Cluster.TryHeadAsync(next))?.Height ?? height;
            await Cluster.WaitForHeightAsync(leader, target, Patience);
            Cluster.AssertRunning(all);
            Log($"kill {kill}: node {leader} killed at height {before}; node {next} led and committed block {height} after {failover.TotalMilliseconds:0} ms; " +
                $"node {leader} restarted and reached height {target} in {clock.ElapsedMilliseconds} ms");
        }
        await load.WaitForMoreAsync(20, Patience);
        await load.StopAsync();

        await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        var sorted = failovers.Order().ToList();
        Log($"failover after {kills} leader kills: min {sorted[0].TotalMilliseconds:0} ms, median {sorted[sorted.Count / 2].TotalMilliseconds:0} ms, " +
            $"max {sorted[^1].TotalMilliseconds:0} ms; {load.AcknowledgedCount} acknowledged; {load.Outcomes}");
        Assert.All(failovers, f => Assert.True(f < FailoverBound, $"a failover took {f.TotalSeconds:0.0} s"));
    }

    [Fact]
    public async Task Leader_PausedLongerThanItsLease_AnotherLeadsAndTheOldOneFollowsWithoutForking()
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(50, Patience);
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var before = (await Cluster.TryHeadAsync(leader))?.Height ?? 0;

        var clock = Stopwatch.StartNew();
        Cluster.Nodes[leader].Pause();
        load.Avoid(leader);
        var others = all.Where(i => i != leader).ToList();
        var (next, height) = await WaitForBlockOfNewLeaderAsync(others, before, FailoverBound);
        Log($"node {leader} paused at height {before}; node {next} led and committed block {height} after {clock.ElapsedMilliseconds} ms");
        await load.WaitForMoreAsync(30, Patience);
        var paused = TimeSpan.FromSeconds(4) - clock.Elapsed;
        if (paused > TimeSpan.Zero) await Task.Delay(paused);
        Cluster.Nodes[leader].Resume();
        Log($"node {leader} resumed after {clock.ElapsedMilliseconds} ms");

        await Cluster.WaitUntilAsync(async () => (await Cluster.TryStatusAsync(leader)) is { Role: "follower" } s && s.Leader?.Validator == Cluster.ValidatorOf[next],
            Patience, $"node {leader} to follow node {next}");
        load.Allow(leader);
        await load.WaitForMoreAsync(50, Patience);
        await load.StopAsync();

        await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, load.Acknowledged, all);
        Assert.Equal("follower", (await Cluster.TryStatusAsync(leader))?.Role);
        Assert.Equal("leader", (await Cluster.TryStatusAsync(next))?.Role);
    }

    [Fact]
    public async Task Transaction_ReplayedThroughAnotherNodeAfterLeaderChange_IsRejectedAndInTheChainOnce()
    {
        var all = new[] { 0, 1, 2 };
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var follower = all.First(i => i != leader);
        var patient = Cluster.Key("patient-jones");
        var doctor = Cluster.Key("dr-rivera").Account;
        var nonce = await Cluster.LastNonceAsync(patient.Account, default);
        var committed = ConsortiumCluster.Sign(patient, nonce + 1, "tokens", "transfer", ConsortiumCluster.Transfer(doctor, 1));
        var first = await Cluster.SubmitAsync(follower, committed);
        Assert.True(first.Committed, $"first submission: {first.Status} {first.Body}");
        // A second transaction is only admitted (no wait) when the leader dies: it may or may not have reached a block.
        var admitted = ConsortiumCluster.Sign(patient, nonce + 2, "tokens", "transfer", ConsortiumCluster.Transfer(doctor, 1));
        using (var response = await Cluster.Http(follower).PostAsJsonAsync("v1/transactions?wait=false", new SubmitRequest(Convert.ToBase64String(admitted.Encode()))))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        Cluster.Nodes[leader].Kill();
        var next = await Cluster.WaitForLeaderAsync(Patience, all.Where(i => i != leader));
        await Cluster.StartNodeAsync(leader);

        // The one in doubt, through every node: committed once, whichever node commits it; then refused like any replay.
        foreach (var node in all)
        {
            var outcome = await Cluster.SubmitAsync(node, admitted, waitSeconds: 15);
            Assert.True(outcome.Committed || outcome.Status == 422, $"node {node} answered the in-doubt transaction with {outcome.Status} {outcome.Body}");
        }
        var head = await Cluster.WaitForSameHeadAsync(all, Patience);
        foreach (var node in all)
        {
            var replay = await Cluster.SubmitAsync(node, committed);
            Assert.True(replay.Status == 422, $"node {node} (leader was node {leader}, now node {next}) answered a replay with {replay.Status} {replay.Body}");
            Assert.Equal("application/problem+json", replay.ContentType);
            Assert.Contains("already used", replay.Body, StringComparison.Ordinal);
        }
        foreach (var node in all)
        {
            var blocks = Cluster.StoredBlocks(node);
            Assert.Equal(1, blocks.Sum(b => b.Transactions.Count(t => t.Id == committed.Id)));
            Assert.Equal(1, blocks.Sum(b => b.Transactions.Count(t => t.Id == admitted.Id)));
        }
        Assert.Equal(head, await Cluster.TryHeadAsync(next));
    }

    /// <summary>Waits until one of <paramref name="candidates"/> leads and its head is a block it proposed above <paramref name="above"/>.</summary>
    private async Task<(int Leader, ulong Height)> WaitForBlockOfNewLeaderAsync(IReadOnlyList<int> candidates, ulong above, TimeSpan timeout)
    {
        (int, ulong) found = default;
        await Cluster.WaitUntilAsync(async () =>
        {
            foreach (var i in candidates)
            {
                if ((await Cluster.TryStatusAsync(i))?.Role != "leader") continue;
                try
                {
                    var block = await Cluster.Http(i).GetFromJsonAsync<BlockDto>("v1/blocks/latest");
                    if (block is null || block.Height <= above || block.Proposer != Cluster.ValidatorOf[i]) continue;
                    found = (i, block.Height);
                    return true;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
            }
            return false;
        }, timeout, $"a new leader among nodes {string.Join(", ", candidates)} to commit a block above {above}");
        return found;
    }
}

using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>One validator's clock weeks ahead neither sets the chain's time nor stops the others (docs/adr/0012).</summary>
public sealed class ClockSkewTests : IDisposable
{
    private static readonly TimeSpan Weeks = TimeSpan.FromDays(21);
    private readonly SigningKey _alice = SigningKey.Generate();
    private ulong _nonce;

    private Transaction Put(string key) => TestChain.Put(_alice, ++_nonce, key, (long)_nonce);

    private static long Now => ChainClock.Instance.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task Follower_BlockTimedWeeksAheadInTheLog_NeitherStoresNorSignsItAndDoesNotHalt()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 2);
        var (rogue, follower) = (cluster[0], cluster[1]);
        var lease = await cluster.Log.GrantLeaseAsync(60, default);
        var fence = await cluster.Log.TryCampaignAsync(lease, new LeaderInfo(rogue.Key.Account.ToString(), rogue.Url), 1, default);
        var ahead = rogue.Chain.Propose([Put("a")], Now + (long)Weeks.TotalMilliseconds).Block;
        Assert.True(await cluster.Log.TryAppendAsync(1, ahead.Encode(), fence!.Value, default));

        follower.Start();
        await cluster.WaitUntilAsync(() => follower.Orderer!.Waiting is not null, "the follower to refuse the block for its time");
        await Task.Delay(600); // several reads of the log: the block is refused each time, counted once

        Assert.Null(follower.Orderer!.HaltReason);
        Assert.Equal(ConsortiumRole.Follower, follower.Orderer.Role);
        Assert.StartsWith("block 1 proposed by", follower.Orderer.Waiting);
        Assert.Equal(1, follower.Orderer.BlocksAheadOfClock);
        Assert.Equal(0UL, follower.Chain.Head.Height);
        Assert.Empty(await cluster.Log.ReadSignaturesAsync(1, 1, default));
    }

    [Fact]
    public async Task Leader_ClockWeeksAhead_TimesItsBlocksByTheOthersClocksAndHandsOverLeadership()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 3);
        var skewed = cluster[0];
        skewed.ClockOffset = Weeks;
        skewed.Start();
        await cluster.LeaderAsync();
        var first = Put("while-alone");
        Assert.Equal(SubmitStatus.Accepted, skewed.Submit(first).Status);
        await skewed.CommittedAsync(first);

        cluster[1].Start();
        cluster[2].Start();
        var honest = await cluster.LeaderAsync(n => n != skewed);
        var second = Put("after");
        Assert.Equal(SubmitStatus.Accepted, honest.Submit(second).Status);
        var receipt = await honest.CommittedAsync(second);
        await cluster.SameHeadAsync(cluster.Nodes, receipt.Height);
        var latest = Now + 5_000;

        Assert.All(cluster.Nodes, n => Assert.Null(n.Orderer!.HaltReason));
        Assert.All(cluster.Nodes, n => Assert.Null(n.Orderer!.Waiting));
        Assert.NotEqual(ConsortiumRole.Leader, skewed.Orderer!.Role);
        Assert.True(skewed.Orderer.Clock.Skewed);
        await foreach (var stored in skewed.Store.ReadBlocksAsync(1, receipt.Height))
            Assert.InRange(Block.Decode(stored.Header, stored.Body).Header.Time, TestChain.Time, latest);
    }

    public void Dispose() => _alice.Dispose();
}

using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>Consortium orderers on real stores and keys, sharing one in-memory block log: leader change, divergence, catch-up.</summary>
public sealed class ConsortiumOrdererTests : IDisposable
{
    private readonly SigningKey _alice = SigningKey.Generate();
    private ulong _nonce;

    private Transaction Put(string key) => TestChain.Put(_alice, ++_nonce, key, (long)_nonce);

    private async Task<Receipt> CommitAsync(OrderingNode node, Transaction tx)
    {
        Assert.Equal(SubmitStatus.Accepted, node.Submit(tx).Status);
        return await node.CommittedAsync(tx);
    }

    [Fact]
    public async Task Leader_CutOffWithABlockInFlight_BlockNeverLandsAndItsTransactionCommitsUnderTheNewLeader()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 3);
        foreach (var node in cluster.Nodes) node.Start();
        var old = await cluster.LeaderAsync();
        await CommitAsync(old, Put("before"));
        var inFlightHeight = old.Chain.Head.Height + 1;

        cluster.Log.HoldAppends();
        var tx = Put("in-flight");
        Assert.Equal(SubmitStatus.Accepted, old.Submit(tx).Status);
        await cluster.WaitUntilAsync(() => cluster.Log.HeldAppends > 0, "the leader's append of the next block to wait in the log");
        old.Isolated = true;
        cluster.Log.ExpireLeader();
        var successor = await cluster.LeaderAsync(n => n != old);
        cluster.Log.ReleaseAppends();
        old.Isolated = false;
        var receipt = await old.CommittedAsync(tx);
        await cluster.SameHeadAsync(cluster.Nodes, receipt.Height);

        Assert.All(cluster.Nodes, n => Assert.Null(n.Orderer!.HaltReason));
        foreach (var n in cluster.Nodes) Assert.Equal(successor.Key.Account, (await n.Store.GetBlockAsync(inFlightHeight, default))!.Header.Proposer);
        Assert.Single(await old.Store.ReadBlocksAsync(1, receipt.Height).SelectMany(b => Block.Decode(b.Header, b.Body).Transactions.ToAsyncEnumerable()).ToListAsync(),
            t => t.Id == tx.Id);
        Assert.Equal(ConsortiumRole.Follower, old.Orderer!.Role);
    }

    [Fact]
    public async Task Follower_BlockWhoseStateRootItCannotReproduce_HaltsAndStoresNothing()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 2);
        var (rogue, follower) = (cluster[0], cluster[1]);
        var lease = await cluster.Log.GrantLeaseAsync(60, default);
        var fence = await cluster.Log.TryCampaignAsync(lease, new LeaderInfo(rogue.Key.Account.ToString(), rogue.Url), 1, default);
        var honest = rogue.Chain.Propose([Put("a")], TestChain.Time).Block;
        var header = honest.Header with { StateRoot = Hash256.Of([42]) };
        var forged = honest with { Header = header, Signatures = [new BlockSignature(rogue.Key.PublicKey, rogue.Key.Sign(header.Hash()))] };
        Assert.True(await cluster.Log.TryAppendAsync(1, forged.Encode(), fence!.Value, default));

        follower.Start();
        await cluster.WaitUntilAsync(() => follower.Orderer!.Role == ConsortiumRole.Halted, "the follower to halt");
        await cluster.WaitUntilAsync(() => cluster.Log.GetMembersAsync(default).Result.Any(m => m.Url == follower.Url && m.Halted is not null),
            "the follower's heartbeat to say it halted");

        Assert.StartsWith("DIVERGENCE at block 1", follower.Orderer!.HaltReason);
        Assert.Contains("state root", follower.Orderer.HaltReason);
        Assert.Equal(0UL, follower.Chain.Head.Height);
        Assert.Null(follower.Store.Get("notes/a"));
    }

    [Fact]
    public async Task NodeBehindTheLogsTail_CatchesUpFromAPeer_ThenFollowsTheLog()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 3);
        var late = cluster[2];
        var (leader, tail) = await TruncatedPastALateNodeAsync(cluster, late);

        late.Start();
        await cluster.SameHeadAsync([leader, late], tail);
        var afterwards = await CommitAsync(late, Put("forwarded by the late node"));
        await cluster.SameHeadAsync([leader, late], afterwards.Height);

        Assert.Equal(tail - 1, (ulong)late.BlocksFetched);
        Assert.Equal(leader.Store.Get("notes/k0"), late.Store.Get("notes/k0"));
        Assert.Null(late.Orderer!.HaltReason);
    }

    [Fact]
    public async Task CatchUp_PeersServeBlocksSignedOnlyByTheirProposer_NodeRefusesThemAndStoresNothing()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 3);
        var late = cluster[2];
        await TruncatedPastALateNodeAsync(cluster, late);
        foreach (var peer in cluster.Nodes.Where(n => n != late))
            peer.ServeInstead = b => b with { Signatures = [.. b.Signatures.Where(s => s.Validator == b.Header.Proposer)] };

        late.Start();
        await cluster.WaitUntilAsync(() => late.BlocksFetched >= 6 || late.Chain.Head.Height > 0, "the late node to ask its peers a few times");

        Assert.Equal(0UL, late.Chain.Head.Height);
        Assert.Null(late.Orderer!.HaltReason);
    }

    [Fact]
    public async Task CatchUp_PeerServesABlockNoValidatorSigned_NodeRefusesItWithoutHalting()
    {
        using var cluster = await OrderingCluster.CreateAsync(validators: 3);
        var late = cluster[2];
        await TruncatedPastALateNodeAsync(cluster, late);
        foreach (var peer in cluster.Nodes.Where(n => n != late))
            peer.ServeInstead = b => b.Height == 2 ? b with { Header = b.Header with { Time = b.Header.Time + 1 } } : b;

        late.Start();
        await cluster.WaitUntilAsync(() => late.BlocksFetched >= 7 || late.Chain.Head.Height > 1 || late.Orderer?.HaltReason is not null, "the late node to ask its peers for block 2 a few times");

        Assert.Equal(1UL, late.Chain.Head.Height);
        Assert.Null(late.Orderer!.HaltReason);
    }

    /// <summary>
    /// Two of three validators commit a few blocks and sign each other's (each store holds a quorum of
    /// signatures), then the log drops every block but the last: <paramref name="late"/> must fetch them from peers.
    /// </summary>
    private async Task<(OrderingNode Leader, ulong Tail)> TruncatedPastALateNodeAsync(OrderingCluster cluster, OrderingNode late)
    {
        var running = cluster.Nodes.Where(n => n != late).ToList();
        foreach (var node in running) node.Start();
        var leader = await cluster.LeaderAsync();
        for (var i = 0; i < 5; i++) await CommitAsync(leader, Put($"k{i}"));
        var tail = leader.Chain.Head.Height;
        await cluster.SameHeadAsync(running, tail);
        await cluster.WaitUntilAsync(async () =>
        {
            foreach (var node in running)
                for (var h = 1UL; h <= tail; h++)
                    if ((await node.Store.GetBlockAsync(h, default))!.SignedBy(node.Orderer!.Validators) < 2) return false;
            return true;
        }, "both running validators to store both signatures over every block");
        await cluster.Log.TruncateBelowAsync(tail, default);
        return (leader, tail);
    }

    public void Dispose() => _alice.Dispose();
}

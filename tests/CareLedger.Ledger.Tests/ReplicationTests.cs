using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>A leader proposes blocks; a follower re-executes each on its own store and stores it only if it gets the same result.</summary>
public sealed class ReplicationTests : IAsyncLifetime
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _leaderKey = SigningKey.Generate();
    private readonly SigningKey _followerKey = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private readonly GenesisDocument _genesis;
    private readonly IReadOnlySet<AccountId> _validators;
    private SqliteLedgerStore _leaderStore = null!;
    private SqliteLedgerStore _followerStore = null!;
    private LedgerChain _leader = null!;
    private LedgerChain _follower = null!;

    public ReplicationTests()
    {
        _genesis = TestChain.Genesis(_leaderKey, _followerKey);
        _validators = _genesis.ValidatorAccounts;
    }

    public async Task InitializeAsync()
    {
        _leaderStore = await SqliteLedgerStore.OpenAsync(_dir.File("leader.db"), default);
        _followerStore = await SqliteLedgerStore.OpenAsync(_dir.File("follower.db"), default);
        _leader = await LedgerChain.OpenAsync(_leaderStore, new BlockExecutor(TestChain.Runtime()), _leaderKey, _genesis, default);
        _follower = await LedgerChain.OpenAsync(_followerStore, new BlockExecutor(TestChain.Runtime()), _followerKey, _genesis, default);
    }

    public Task DisposeAsync()
    {
        _leaderStore.Dispose();
        _followerStore.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ApplyReplicated_PipelinedProposals_FollowerStoresTheSameHeadersAndAddsItsSignature()
    {
        var first = _leader.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time);
        var second = _leader.Propose([TestChain.Put(_alice, 2, "a", 2)], TestChain.Time + 1, parent: first);
        await _leader.CommitProposedAsync(first, default);
        await _leader.CommitProposedAsync(second, default);

        Assert.True((await _follower.ApplyReplicatedAsync(first.Block, _validators, null, long.MaxValue, default)).Verdict.Ok);
        var (verdict, stored, writes) = await _follower.ApplyReplicatedAsync(second.Block, _validators, null, long.MaxValue, default);

        Assert.Equal(_leader.Head.Hash(), _follower.Head.Hash());
        Assert.Equal(_leaderStore.Get("notes/a"), _followerStore.Get("notes/a"));
        Assert.True(verdict.Ok, verdict.Reason);
        Assert.NotEmpty(writes);
        Assert.Equal(2, stored!.SignedBy(_validators));
        Assert.Contains(stored.Signatures, s => s.Validator == _followerKey.Account);
    }

    [Fact]
    public async Task ApplyReplicated_StateRootTheFollowerCannotReproduce_IsRefusedAsDivergentAndStoresNothing()
    {
        var honest = _leader.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time).Block;
        var forgedHeader = honest.Header with { StateRoot = Hash256.Of([42]) };
        var forged = honest with { Header = forgedHeader, Signatures = [new BlockSignature(_leaderKey.PublicKey, _leaderKey.Sign(forgedHeader.Hash()))] };

        var refused = (await _follower.ApplyReplicatedAsync(forged, _validators, null, long.MaxValue, default)).Verdict;

        Assert.Equal(BlockFault.Divergent, refused.Fault);
        Assert.Contains("state root", refused.Reason);
        Assert.Equal(0UL, _follower.Head.Height);
        Assert.Null(_followerStore.Get("notes/a"));
    }

    [Fact]
    public async Task ApplyReplicated_TransactionWithAForgedSignature_IsRefusedAndStoresNothing()
    {
        var tx = TestChain.Put(_alice, 1, "a", 1);
        var forgedTx = tx with { Signature = _leaderKey.Sign(tx.Id) }; // the leader signing for Alice
        var block = _leader.Propose([forgedTx], TestChain.Time).Block;

        var refused = (await _follower.ApplyReplicatedAsync(block, _validators, null, long.MaxValue, default)).Verdict;

        Assert.Equal(BlockFault.BadTransactionSignature, refused.Fault);
        Assert.Contains("does not verify", refused.Reason);
        Assert.Equal(0UL, _follower.Head.Height);
    }

    [Fact]
    public async Task ApplyReplicated_ProposerThatIsNotAValidator_IsRefused()
    {
        using var outsider = SigningKey.Generate();
        using var store = await SqliteLedgerStore.OpenAsync(_dir.File("outsider.db"), default);
        var chain = await LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), outsider, TestChain.Genesis(_leaderKey, _followerKey), default);
        var block = chain.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time).Block;

        var refused = (await _follower.ApplyReplicatedAsync(block, _validators, null, long.MaxValue, default)).Verdict;

        Assert.Contains("not a validator", refused.Reason);
        Assert.Equal(0UL, _follower.Head.Height);
    }

    [Fact]
    public async Task ApplyReplicated_BlockThatSkipsAHeight_IsRefused()
    {
        var first = _leader.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time);
        var second = _leader.Propose([TestChain.Put(_alice, 2, "a", 2)], TestChain.Time, parent: first);

        var refused = (await _follower.ApplyReplicatedAsync(second.Block, _validators, null, long.MaxValue, default)).Verdict;

        Assert.Contains("expected height 1", refused.Reason);
    }
    [Fact]
    public async Task ApplyReplicated_BlockTimedWeeksAheadOfTheFollowersClock_IsRefusedAheadOfClockStoringNothingUntilTheClockCatchesUp()
    {
        var weeksAhead = TestChain.Time + (long)TimeSpan.FromDays(21).TotalMilliseconds;
        var block = _leader.Propose([TestChain.Put(_alice, 1, "a", 1, expiry: weeksAhead + 3_600_000)], weeksAhead).Block;
        var latestNow = TestChain.Time + 5_000;

        var refused = await _follower.ApplyReplicatedAsync(block, _validators, null, latestNow, default);
        var heightAfterRefusal = _follower.Head.Height;
        var stillRefused = await _follower.ApplyReplicatedAsync(block, _validators, null, weeksAhead - 1, default);
        var later = await _follower.ApplyReplicatedAsync(block, _validators, null, weeksAhead, default);

        Assert.Equal(BlockFault.AheadOfClock, refused.Verdict.Fault);
        Assert.Null(refused.Stored);
        Assert.Equal(0UL, heightAfterRefusal);
        Assert.Contains("beyond the latest this node accepts", refused.Verdict.Reason);
        Assert.Equal(BlockFault.AheadOfClock, stillRefused.Verdict.Fault);
        Assert.True(later.Verdict.Ok, later.Verdict.Reason);
        Assert.Equal(block.Hash, _follower.Head.Hash());
    }
}

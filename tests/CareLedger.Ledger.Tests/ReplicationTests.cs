using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>A leader proposes blocks; a follower re-executes each on its own store and stores it only if it gets the same result.</summary>
public sealed class ReplicationTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _leaderKey = SigningKey.Generate();
    private readonly SigningKey _followerKey = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private readonly SqliteLedgerStore _leaderStore;
    private readonly SqliteLedgerStore _followerStore;
    private readonly LedgerChain _leader;
    private readonly LedgerChain _follower;
    private readonly IReadOnlySet<AccountId> _validators;

    public ReplicationTests()
    {
        var genesis = TestChain.Genesis(_leaderKey, _followerKey);
        _validators = genesis.ValidatorAccounts;
        _leaderStore = new SqliteLedgerStore(_dir.File("leader.db"));
        _followerStore = new SqliteLedgerStore(_dir.File("follower.db"));
        _leader = new LedgerChain(_leaderStore, new BlockExecutor(TestChain.Runtime()), _leaderKey, genesis);
        _follower = new LedgerChain(_followerStore, new BlockExecutor(TestChain.Runtime()), _followerKey, genesis);
    }

    public void Dispose()
    {
        _leaderStore.Dispose();
        _followerStore.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ApplyReplicated_PipelinedProposals_FollowerStoresTheSameHeadersAndAddsItsSignature()
    {
        var first = _leader.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time);
        var second = _leader.Propose([TestChain.Put(_alice, 2, "a", 2)], TestChain.Time + 1, parent: first);
        _leader.CommitProposed(first);
        _leader.CommitProposed(second);

        Assert.True(_follower.ApplyReplicated(first.Block, _validators).Verdict.Ok);
        var (verdict, stored, writes) = _follower.ApplyReplicated(second.Block, _validators);

        Assert.Equal(_leader.Head.Hash(), _follower.Head.Hash());
        Assert.Equal(_leaderStore.Get("notes/a"), _followerStore.Get("notes/a"));
        Assert.True(verdict.Ok, verdict.Reason);
        Assert.NotEmpty(writes);
        Assert.Equal(2, stored!.SignedBy(_validators));
        Assert.Contains(stored.Signatures, s => s.Validator == _followerKey.Account);
    }

    [Fact]
    public void ApplyReplicated_StateRootTheFollowerCannotReproduce_IsRefusedAsDivergentAndStoresNothing()
    {
        var honest = _leader.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time).Block;
        var forgedHeader = honest.Header with { StateRoot = Hash256.Of([42]) };
        var forged = honest with { Header = forgedHeader, Signatures = [new BlockSignature(_leaderKey.PublicKey, _leaderKey.Sign(forgedHeader.Hash()))] };

        var refused = _follower.ApplyReplicated(forged, _validators).Verdict;

        Assert.Equal(BlockFault.Divergent, refused.Fault);
        Assert.Contains("state root", refused.Reason);
        Assert.Equal(0UL, _follower.Head.Height);
        Assert.Null(_followerStore.Get("notes/a"));
    }

    [Fact]
    public void ApplyReplicated_TransactionWithAForgedSignature_IsRefusedAndStoresNothing()
    {
        var tx = TestChain.Put(_alice, 1, "a", 1);
        var forgedTx = tx with { Signature = _leaderKey.Sign(tx.Id) }; // the leader signing for Alice
        var block = _leader.Propose([forgedTx], TestChain.Time).Block;

        var refused = _follower.ApplyReplicated(block, _validators).Verdict;

        Assert.Equal(BlockFault.BadTransactionSignature, refused.Fault);
        Assert.Contains("does not verify", refused.Reason);
        Assert.Equal(0UL, _follower.Head.Height);
    }

    [Fact]
    public void ApplyReplicated_ProposerThatIsNotAValidator_IsRefused()
    {
        using var outsider = SigningKey.Generate();
        using var store = new SqliteLedgerStore(_dir.File("outsider.db"));
        var chain = new LedgerChain(store, new BlockExecutor(TestChain.Runtime()), outsider, TestChain.Genesis(_leaderKey, _followerKey));
        var block = chain.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time).Block;

        var refused = _follower.ApplyReplicated(block, _validators).Verdict;

        Assert.Contains("not a validator", refused.Reason);
        Assert.Equal(0UL, _follower.Head.Height);
    }

    [Fact]
    public void ApplyReplicated_BlockThatSkipsAHeight_IsRefused()
    {
        var first = _leader.Propose([TestChain.Put(_alice, 1, "a", 1)], TestChain.Time);
        var second = _leader.Propose([TestChain.Put(_alice, 2, "a", 2)], TestChain.Time, parent: first);

        var refused = _follower.ApplyReplicated(second.Block, _validators).Verdict;

        Assert.Contains("expected height 1", refused.Reason);
    }
}

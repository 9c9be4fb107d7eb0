using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>
/// Chains whose validator set changes by transaction: the checker and proofs judge each block's
/// signatures by the set of its height. A leads and proposes every block; D (not a genesis validator)
/// follows on its own store, signing once it is a validator; B and C sign by hand where a test needs it.
/// </summary>
public sealed class ValidatorSetTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _a = SigningKey.Generate();
    private readonly SigningKey _b = SigningKey.Generate();
    private readonly SigningKey _c = SigningKey.Generate();
    private readonly SigningKey _d = SigningKey.Generate();
    private readonly SigningKey _e = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private readonly List<SqliteLedgerStore> _stores = [];
    private ulong _nonce;

    private async Task<(LedgerChain Chain, SqliteLedgerStore Store)> OpenAsync(string name, SigningKey key, GenesisDocument genesis)
    {
        var store = await SqliteLedgerStore.OpenAsync(_dir.File(name + ".db"), default);
        _stores.Add(store);
        return (await LedgerChain.OpenAsync(store, new BlockExecutor(VotingChain.Runtime()), key, genesis, default), store);
    }

    /// <summary>The leader proposes and stores a block; each follower applies it with the set its state records.</summary>
    private async Task<Block> CommitAsync(LedgerChain leader, IReadOnlyList<LedgerChain> followers, params Transaction[] txs)
    {
        var proposal = leader.Propose(txs, TestChain.Time + (long)_nonce);
        await leader.CommitProposedAsync(proposal, default);
        foreach (var follower in followers)
        {
            var applied = await follower.ApplyReplicatedAsync(proposal.Block, new SignerSet().Read(follower.Store), null, long.MaxValue, default);
            Assert.True(applied.Verdict.Ok, applied.Verdict.Reason);
        }
        return proposal.Block;
    }

    private Transaction Put() => TestChain.Put(_alice, ++_nonce, $"k{_nonce}", 1);
    private Transaction Join(SigningKey validator) => VotingChain.Join(_alice, ++_nonce, validator);
    private Transaction Leave(SigningKey validator) => VotingChain.Leave(_alice, ++_nonce, validator);
    private static BlockSignature Sign(SigningKey key, Block block) => new(key.PublicKey, key.Sign(block.Hash));

    [Fact]
    public async Task Replay_ChainWhereAValidatorJoinedAndSigned_PassesWhereTheGenesisSetAloneWouldNot()
    {
        var genesis = TestChain.Genesis(_a);
        var (a, _) = await OpenAsync("a", _a, genesis);
        var (d, dStore) = await OpenAsync("d", _d, genesis);
        await CommitAsync(a, [d], Join(_d));
        var signedByD = await CommitAsync(a, [d], Put());

        var report = await VotingChain.Checker().ReplayAsync(dStore.ReadBlocksAsync());
        var genesisOnly = await new ChainChecker(_ => VotingChain.Runtime(), g => new FixedValidatorSet(g.ValidatorAccounts)).ReplayAsync(dStore.ReadBlocksAsync());

        Assert.Contains((await dStore.GetBlockAsync(signedByD.Height, default))!.Signatures, s => s.Validator == _d.Account);
        Assert.True(report.Valid, report.Reason);
        Assert.Equal(new HashSet<AccountId> { _a.Account, _d.Account }, report.NextValidators);
        Assert.False(genesisOnly.Valid);
        Assert.Equal(signedByD.Height, genesisOnly.FirstBadHeight);
        Assert.Contains("not a validator", genesisOnly.Reason);
    }

    [Fact]
    public async Task Replay_SignatureOfAValidatorMadeAfterItLeft_IsRejected()
    {
        var genesis = TestChain.Genesis(_a);
        var (a, _) = await OpenAsync("a", _a, genesis);
        var (d, dStore) = await OpenAsync("d", _d, genesis);
        await CommitAsync(a, [d], Join(_d));
        var leaving = await CommitAsync(a, [d], Leave(_d));
        var after = await CommitAsync(a, [d], Put());
        var stored = await dStore.ReadBlocksAsync().ToListAsync();
        var forged = (await dStore.GetBlockAsync(after.Height, default))! with { Signatures = [.. after.Signatures, Sign(_d, after)] };
        stored[^1] = new StoredBlock(after.Height, forged.Header.Encode(), forged.EncodeBody());

        var honest = await VotingChain.Checker().ReplayAsync(dStore.ReadBlocksAsync());
        var report = await VotingChain.Checker().ReplayAsync(stored.ToAsyncEnumerable());

        Assert.Contains((await dStore.GetBlockAsync(leaving.Height, default))!.Signatures, s => s.Validator == _d.Account); // still a validator for the block that removed it
        Assert.DoesNotContain((await dStore.GetBlockAsync(after.Height, default))!.Signatures, s => s.Validator == _d.Account);
        Assert.True(honest.Valid, honest.Reason);
        Assert.False(report.Valid);
        Assert.Equal(after.Height, report.FirstBadHeight);
        Assert.Contains($"signed by {_d.Account}, who is not a validator at this height", report.Reason);
    }

    [Fact]
    public async Task ProofVerifyOn_MajorityIncludingTwoJoinedValidators_HoldsWhereTheGenesisSetFails()
    {
        var genesis = TestChain.Genesis(_a, _b, _c);
        var (a, store) = await OpenAsync("a", _a, genesis);
        await CommitAsync(a, [], Join(_d), Join(_e));
        var block = await CommitAsync(a, [], Put());
        var proof = TransactionProof.Build(block with { Signatures = [.. block.Signatures, Sign(_d, block), Sign(_e, block)] }, 0);

        var parentChain = await VotingChain.Checker().ReplayAsync(store.ReadBlocksAsync(0, block.Height - 1));
        var verdict = proof.VerifyOn(parentChain);
        var genesisTrust = proof.Verify(genesis.ValidatorAccounts, quorum: 2);

        Assert.True(verdict.Valid, verdict.Reason);
        Assert.Equal(3, verdict.Signers.Count);
        Assert.Equal(5, parentChain.NextValidators!.Count);
        Assert.False(genesisTrust.Valid);
    }

    [Fact]
    public async Task ProofVerifyOn_SignatureOfAValidatorVotedOut_DoesNotCount()
    {
        var genesis = TestChain.Genesis(_a, _b, _c);
        var (a, store) = await OpenAsync("a", _a, genesis);
        await CommitAsync(a, [], Leave(_c));
        var block = await CommitAsync(a, [], Put());
        var proof = TransactionProof.Build(block with { Signatures = [.. block.Signatures, Sign(_c, block)] }, 0);

        var parentChain = await VotingChain.Checker().ReplayAsync(store.ReadBlocksAsync(0, block.Height - 1));
        var verdict = proof.VerifyOn(parentChain);

        Assert.False(verdict.Valid);
        Assert.Equal("1 trusted validator signature(s); 2 required", verdict.Reason);
        Assert.True(proof.Verify(genesis.ValidatorAccounts, quorum: 2).Valid); // what trusting the genesis set alone would wrongly accept
        Assert.True((proof with { Signatures = [.. proof.Signatures, Sign(_b, block)] }).VerifyOn(parentChain).Valid);
    }

    [Fact]
    public async Task ProofVerifyOn_BlockThatDoesNotExtendTheChain_IsRejected()
    {
        var genesis = TestChain.Genesis(_a);
        var (a, store) = await OpenAsync("a", _a, genesis);
        await CommitAsync(a, [], Put());
        var block = await CommitAsync(a, [], Put());
        var proof = TransactionProof.Build(block, 0);
        var shortChain = await VotingChain.Checker().ReplayAsync(store.ReadBlocksAsync(0, 0));
        var forkHeader = block.Header with { PreviousHash = Hash256.Of([7]) };
        var fork = proof with { Header = forkHeader, Signatures = [new BlockSignature(_a.PublicKey, _a.Sign(forkHeader.Hash()))] };
        var parentChain = await VotingChain.Checker().ReplayAsync(store.ReadBlocksAsync(0, block.Height - 1));

        Assert.Contains("not at block 1", proof.VerifyOn(shortChain).Reason);
        Assert.Contains("does not extend that chain", fork.VerifyOn(parentChain).Reason);
        Assert.True(proof.VerifyOn(parentChain).Valid);
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        foreach (var key in new[] { _a, _b, _c, _d, _e, _alice }) key.Dispose();
        _dir.Dispose();
    }
}

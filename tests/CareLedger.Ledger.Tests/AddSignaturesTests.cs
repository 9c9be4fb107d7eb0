using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>Signatures from the other validators that reach a node after it stored the block.</summary>
public sealed class AddSignaturesTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _self = SigningKey.Generate();
    private readonly SigningKey _second = SigningKey.Generate();
    private readonly SigningKey _third = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private ulong _nonce;

    private HashSet<AccountId> Trusted => [_self.Account, _second.Account, _third.Account];

    private SqliteLedgerStore OpenStore() => new(_dir.File("ledger.db"));

    /// <summary>A chain whose genesis names three validators; this node signs with the first.</summary>
    private LedgerChain OpenChain(SqliteLedgerStore store) =>
        new(store, new BlockExecutor(TestChain.Runtime()), _self, TestChain.Genesis(_self, _second, _third));

    private void Commit(LedgerChain chain, int txs)
    {
        var batch = Enumerable.Range(0, txs).Select(i => TestChain.Put(_alice, ++_nonce, $"k{_nonce}", i)).ToList();
        chain.CommitBatch(batch, TestChain.Time + (long)_nonce * 1000);
    }

    private void BuildChain(int blocks)
    {
        using var store = OpenStore();
        var chain = OpenChain(store);
        for (var b = 0; b < blocks; b++) Commit(chain, 3);
    }

    private static BlockSignature SignatureOf(SigningKey validator, Block block) => new(validator.PublicKey, validator.Sign(block.Hash));

    private static List<AccountId> Signers(Block block) => block.Signatures.Select(s => s.Validator).ToList();

    [Fact]
    public void AddSignatures_AfterAppend_FollowTheBodySignatureInGetBlockByHeightAndByHash()
    {
        BuildChain(2);
        using var store = OpenStore();
        var stored = store.GetBlock(1)!;

        store.AddSignatures(1, [SignatureOf(_second, stored), SignatureOf(_third, stored)]);

        var byHeight = store.GetBlock(1)!;
        var byHash = store.GetBlock(stored.Hash)!;
        Assert.Equal(_self.Account, byHeight.Signatures[0].Validator);
        Assert.Equal(stored.Signatures[0].Signature, byHeight.Signatures[0].Signature);
        Assert.Equal(new HashSet<AccountId> { _second.Account, _third.Account }, Signers(byHeight).Skip(1).ToHashSet());
        Assert.Equal(Signers(byHeight), Signers(byHash));
        Assert.All(byHeight.Signatures, s => Assert.True(s.Verify(stored.Hash)));
        Assert.Equal(stored.Hash, byHeight.Hash);
        Assert.Equal([_self.Account], Signers(store.GetBlock(2)!));
    }

    [Fact]
    public void Proof_BuiltAfterAddingASecondSignature_MeetsQuorumOfTwo_WhileOneBuiltBeforeDoesNot()
    {
        BuildChain(1);
        using var store = OpenStore();
        var block = store.GetBlock(1)!;
        var before = TransactionProof.Build(block, 1);

        store.AddSignatures(1, [SignatureOf(_second, block)]);
        var after = TransactionProof.Build(store.GetBlock(1)!, 1);

        var failed = before.Verify(Trusted, quorum: 2);
        Assert.False(failed.Valid);
        Assert.Contains("1 trusted validator signature(s); 2 required", failed.Reason);
        var held = after.Verify(Trusted, quorum: 2);
        Assert.True(held.Valid, held.Reason);
        Assert.Equal(new HashSet<AccountId> { _self.Account, _second.Account }, held.Signers.ToHashSet());
    }

    [Fact]
    public void AddSignatures_SameValidatorTwice_KeepsOne_AndTheBodySignatureWins()
    {
        BuildChain(1);
        using var store = OpenStore();
        var block = store.GetBlock(1)!;
        var first = SignatureOf(_second, block);

        store.AddSignatures(1, [first, SignatureOf(_second, block)]);
        store.AddSignatures(1, [SignatureOf(_second, block), SignatureOf(_self, block)]);

        var signatures = store.GetBlock(1)!.Signatures;
        Assert.Equal([_self.Account, _second.Account], signatures.Select(s => s.Validator));
        Assert.Equal(block.Signatures[0].Signature, signatures[0].Signature);
        Assert.Equal(first.Signature, signatures[1].Signature);
    }

    [Fact]
    public void AddSignatures_ThenReopen_TheSignaturesAreStillThere()
    {
        BuildChain(1);
        using (var store = OpenStore())
        {
            var block = store.GetBlock(1)!;
            store.AddSignatures(1, [SignatureOf(_second, block)]);
        }

        using var reopened = OpenStore();
        Assert.Equal([_self.Account, _second.Account], Signers(reopened.GetBlock(1)!));
    }

    [Fact]
    public void AddSignatures_HeightNotStored_ThrowsAndKeepsNothing()
    {
        BuildChain(1);
        using var store = OpenStore();
        var chain = OpenChain(store);
        var elsewhere = SignatureOf(_second, store.GetBlock(1)!);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => store.AddSignatures(2, [elsewhere]));
        Assert.Contains("no block 2", error.Message);

        // Once block 2 exists, nothing from the refused call may surface with it.
        Commit(chain, 1);
        Assert.Equal([_self.Account], Signers(store.GetBlock(2)!));
    }

    [Fact]
    public void ChainChecker_ChainWithLaterSignatures_StillPasses()
    {
        BuildChain(3);
        using var store = OpenStore();
        for (ulong h = 0; h <= 3; h++)
        {
            var block = store.GetBlock(h)!;
            store.AddSignatures(h, [SignatureOf(_second, block), SignatureOf(_third, block)]);
        }
        var verifier = TestChain.Checker();

        var asStored = verifier.Replay(store.ReadBlocks());
        // The same chain with every block carrying all three signatures in its body.
        var merged = verifier.Replay(Enumerable.Range(0, 4).Select(h => store.GetBlock((ulong)h)!)
            .Select(b => new StoredBlock(b.Height, b.Header.Encode(), b.EncodeBody())));

        Assert.True(asStored.Valid, asStored.Reason);
        Assert.True(merged.Valid, merged.Reason);
        Assert.Equal(4UL, merged.BlocksChecked);
        Assert.All(Enumerable.Range(0, 4), h => Assert.Equal(3, store.GetBlock((ulong)h)!.Signatures.Count));
    }

    [Fact]
    public async Task AddSignatures_FromAnotherThreadWhileTheExecutorReadsAndAppends_KeepsEverySignature()
    {
        const int blocks = 20;
        using var store = OpenStore();
        var chain = OpenChain(store);
        long signedBelow = 0;
        var signer = Task.Run(() =>
        {
            for (ulong h = 0; h <= blocks; h++)
            {
                if (!SpinWait.SpinUntil(() => store.Head!.Height >= h, TimeSpan.FromSeconds(30))) throw new TimeoutException($"block {h} never came");
                var block = store.GetBlock(h)!;
                store.AddSignatures(h, [SignatureOf(_second, block)]);
                store.AddSignatures(h, [SignatureOf(_third, block)]);
                Interlocked.Exchange(ref signedBelow, (long)h + 1);
            }
        });

        // The executor thread appends, and while each block is being signed keeps reading state the cache has not seen, as execution does.
        var unseen = 0;
        for (var b = 0; b <= blocks; b++)
        {
            if (b > 0) Commit(chain, 2);
            while (Interlocked.Read(ref signedBelow) <= b && !signer.IsCompleted) Assert.Null(store.ExecutionState.Get($"unseen/{unseen++}"));
        }
        await signer.WaitAsync(TimeSpan.FromSeconds(60));

        for (ulong h = 0; h <= blocks; h++)
        {
            var signers = Signers(store.GetBlock(h)!);
            Assert.Equal(3, signers.Count);
            Assert.Equal(Trusted, signers.ToHashSet());
        }
        var report = TestChain.Checker().Replay(store.ReadBlocks());
        Assert.True(report.Valid, report.Reason);
    }

    public void Dispose()
    {
        _self.Dispose();
        _second.Dispose();
        _third.Dispose();
        _alice.Dispose();
        _dir.Dispose();
    }
}

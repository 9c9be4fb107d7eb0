using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>Signatures from the other validators that reach a node after it stored the block, on each store.</summary>
public abstract class AddSignaturesTests : IDisposable
{
    private readonly SigningKey _self = SigningKey.Generate();
    private readonly SigningKey _second = SigningKey.Generate();
    private readonly SigningKey _third = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private ulong _nonce;

    private HashSet<AccountId> Trusted => [_self.Account, _second.Account, _third.Account];

    protected abstract Task<ILedgerStore> OpenStoreAsync();

    /// <summary>A chain whose genesis names three validators; this node signs with the first.</summary>
    private Task<LedgerChain> OpenChainAsync(ILedgerStore store) =>
        LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), _self, TestChain.Genesis(_self, _second, _third), default);

    private async Task CommitAsync(LedgerChain chain, int txs)
    {
        var batch = Enumerable.Range(0, txs).Select(i => TestChain.Put(_alice, ++_nonce, $"k{_nonce}", i)).ToList();
        await chain.CommitBatchAsync(batch, TestChain.Time + (long)_nonce * 1000, default);
    }

    private async Task BuildChainAsync(int blocks)
    {
        using var store = await OpenStoreAsync();
        var chain = await OpenChainAsync(store);
        for (var b = 0; b < blocks; b++) await CommitAsync(chain, 3);
    }

    private static async Task<Block> BlockAsync(ILedgerStore store, ulong height) => (await store.GetBlockAsync(height, default))!;

    private static BlockSignature SignatureOf(SigningKey validator, Block block) => new(validator.PublicKey, validator.Sign(block.Hash));

    private static List<AccountId> Signers(Block block) => block.Signatures.Select(s => s.Validator).ToList();

    [Fact]
    public async Task AddSignatures_AfterAppend_FollowTheBodySignatureInGetBlockByHeightAndByHash()
    {
        await BuildChainAsync(2);
        using var store = await OpenStoreAsync();
        var stored = await BlockAsync(store, 1);

        await store.AddSignaturesAsync(1, [SignatureOf(_second, stored), SignatureOf(_third, stored)], default);

        var byHeight = await BlockAsync(store, 1);
        var byHash = (await store.GetBlockAsync(stored.Hash, default))!;
        Assert.Equal(_self.Account, byHeight.Signatures[0].Validator);
        Assert.Equal(stored.Signatures[0].Signature, byHeight.Signatures[0].Signature);
        Assert.Equal(new HashSet<AccountId> { _second.Account, _third.Account }, Signers(byHeight).Skip(1).ToHashSet());
        Assert.Equal(Signers(byHeight), Signers(byHash));
        Assert.All(byHeight.Signatures, s => Assert.True(s.Verify(stored.Hash)));
        Assert.Equal(stored.Hash, byHeight.Hash);
        Assert.Equal([_self.Account], Signers(await BlockAsync(store, 2)));
    }

    [Fact]
    public async Task Proof_BuiltAfterAddingASecondSignature_MeetsQuorumOfTwo_WhileOneBuiltBeforeDoesNot()
    {
        await BuildChainAsync(1);
        using var store = await OpenStoreAsync();
        var block = await BlockAsync(store, 1);
        var before = TransactionProof.Build(block, 1);

        await store.AddSignaturesAsync(1, [SignatureOf(_second, block)], default);
        var after = TransactionProof.Build(await BlockAsync(store, 1), 1);

        var failed = before.Verify(Trusted, quorum: 2);
        Assert.False(failed.Valid);
        Assert.Contains("1 trusted validator signature(s); 2 required", failed.Reason);
        var held = after.Verify(Trusted, quorum: 2);
        Assert.True(held.Valid, held.Reason);
        Assert.Equal(new HashSet<AccountId> { _self.Account, _second.Account }, held.Signers.ToHashSet());
    }

    [Fact]
    public async Task AddSignatures_SameValidatorTwice_KeepsOne_AndTheBodySignatureWins()
    {
        await BuildChainAsync(1);
        using var store = await OpenStoreAsync();
        var block = await BlockAsync(store, 1);
        var first = SignatureOf(_second, block);

        await store.AddSignaturesAsync(1, [first, SignatureOf(_second, block)], default);
        await store.AddSignaturesAsync(1, [SignatureOf(_second, block), SignatureOf(_self, block)], default);

        var signatures = (await BlockAsync(store, 1)).Signatures;
        Assert.Equal([_self.Account, _second.Account], signatures.Select(s => s.Validator));
        Assert.Equal(block.Signatures[0].Signature, signatures[0].Signature);
        Assert.Equal(first.Signature, signatures[1].Signature);
    }

    [Fact]
    public async Task AddSignatures_ThenReopen_TheSignaturesAreStillThere()
    {
        await BuildChainAsync(1);
        using (var store = await OpenStoreAsync())
        {
            var block = await BlockAsync(store, 1);
            await store.AddSignaturesAsync(1, [SignatureOf(_second, block)], default);
        }

        using var reopened = await OpenStoreAsync();
        Assert.Equal([_self.Account, _second.Account], Signers(await BlockAsync(reopened, 1)));
    }

    [Fact]
    public async Task AddSignatures_HeightNotStored_ThrowsAndKeepsNothing()
    {
        await BuildChainAsync(1);
        using var store = await OpenStoreAsync();
        var chain = await OpenChainAsync(store);
        var elsewhere = SignatureOf(_second, await BlockAsync(store, 1));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AddSignaturesAsync(2, [elsewhere], default));
        Assert.Contains("no block 2", error.Message);

        // Once block 2 exists, nothing from the refused call may surface with it.
        await CommitAsync(chain, 1);
        Assert.Equal([_self.Account], Signers(await BlockAsync(store, 2)));
    }

    [Fact]
    public async Task ChainChecker_ChainWithLaterSignatures_StillPasses()
    {
        await BuildChainAsync(3);
        using var store = await OpenStoreAsync();
        for (ulong h = 0; h <= 3; h++)
        {
            var block = await BlockAsync(store, h);
            await store.AddSignaturesAsync(h, [SignatureOf(_second, block), SignatureOf(_third, block)], default);
        }
        var verifier = TestChain.Checker();

        var asStored = await verifier.ReplayAsync(store.ReadBlocksAsync());
        // The same chain with every block carrying all three signatures in its body.
        var withAllSignatures = new List<StoredBlock>();
        for (ulong h = 0; h <= 3; h++)
        {
            var block = await BlockAsync(store, h);
            withAllSignatures.Add(new StoredBlock(block.Height, block.Header.Encode(), block.EncodeBody()));
        }
        var merged = await verifier.ReplayAsync(withAllSignatures.ToAsyncEnumerable());

        Assert.True(asStored.Valid, asStored.Reason);
        Assert.True(merged.Valid, merged.Reason);
        Assert.Equal(4UL, merged.BlocksChecked);
        for (ulong h = 0; h <= 3; h++) Assert.Equal(3, (await BlockAsync(store, h)).Signatures.Count);
    }

    [Fact]
    public async Task AddSignatures_FromAnotherThreadWhileTheExecutorReadsAndAppends_KeepsEverySignature()
    {
        const int blocks = 20;
        using var store = await OpenStoreAsync();
        var chain = await OpenChainAsync(store);
        long signedBelow = 0;
        var signer = Task.Run(async () =>
        {
            for (ulong h = 0; h <= blocks; h++)
            {
                if (!SpinWait.SpinUntil(() => store.Head!.Height >= h, TimeSpan.FromSeconds(30))) throw new TimeoutException($"block {h} never came");
                var block = await BlockAsync(store, h);
                await store.AddSignaturesAsync(h, [SignatureOf(_second, block)], default);
                await store.AddSignaturesAsync(h, [SignatureOf(_third, block)], default);
                Interlocked.Exchange(ref signedBelow, (long)h + 1);
            }
        });

        // The executor thread appends, and while each block is being signed keeps reading state the cache has not seen, as execution does.
        var unseen = 0;
        for (var b = 0; b <= blocks; b++)
        {
            if (b > 0) await CommitAsync(chain, 2);
            while (Interlocked.Read(ref signedBelow) <= b && !signer.IsCompleted) Assert.Null(store.ExecutionState.Get($"unseen/{unseen++}"));
        }
        await signer.WaitAsync(TimeSpan.FromSeconds(60));

        for (ulong h = 0; h <= blocks; h++)
        {
            var signers = Signers(await BlockAsync(store, h));
            Assert.Equal(3, signers.Count);
            Assert.Equal(Trusted, signers.ToHashSet());
        }
        var report = await TestChain.Checker().ReplayAsync(store.ReadBlocksAsync());
        Assert.True(report.Valid, report.Reason);
    }

    public virtual void Dispose()
    {
        _self.Dispose();
        _second.Dispose();
        _third.Dispose();
        _alice.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteAddSignaturesTests : AddSignaturesTests
{
    private readonly TempFolder _dir = new();

    protected override async Task<ILedgerStore> OpenStoreAsync() => await SqliteLedgerStore.OpenAsync(_dir.File("ledger.db"), default);

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}

public sealed class PostgresAddSignaturesTests(CareLedger.Testing.PostgresServer server) : AddSignaturesTests, IClassFixture<CareLedger.Testing.PostgresServer>
{
    private string? _database;

    protected override async Task<ILedgerStore> OpenStoreAsync() => await PostgresLedgerStore.OpenAsync(_database ??= await server.CreateDatabaseAsync(), default);
}

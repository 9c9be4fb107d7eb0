using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>
/// Finality as the leader counts it while other validators publish signatures in the log: only
/// signatures of the validators of a block's own height count, and only those are kept with it.
/// Node 0 leads alone; nodes 1 and 2 are genesis validators that never start, whose keys sign here by hand.
/// </summary>
public sealed class FinalityTests : IAsyncLifetime
{
    private readonly SigningKey _alice = SigningKey.Generate();
    private readonly SigningKey _outsider = SigningKey.Generate();
    private readonly SigningKey _joiner = SigningKey.Generate();
    private OrderingCluster _cluster = null!;
    private ulong _nonce;

    private OrderingNode Leader => _cluster[0];

    private async Task<ulong> CommitAsync(Transaction tx)
    {
        Assert.Equal(SubmitStatus.Accepted, Leader.Submit(tx).Status);
        return (await Leader.CommittedAsync(tx)).Height;
    }

    private Task<ulong> PutAsync() => CommitAsync(TestChain.Put(_alice, ++_nonce, $"k{_nonce}", 1));

    /// <summary>Publishes <paramref name="key"/>'s signature over the leader's block at each height, in order, as a validator's node would.</summary>
    private async Task PublishAsync(SigningKey key, params ulong[] heights)
    {
        var signatures = new List<(ulong, BlockSignature)>();
        foreach (var h in heights) signatures.Add((h, new BlockSignature(key.PublicKey, key.Sign((await Leader.Store.GetBlockAsync(h, default))!.Hash))));
        await _cluster.Log.PutSignaturesAsync(key.Account.ToString(), signatures, default);
    }

    private async Task<bool> KeptAsync(ulong height, SigningKey key) => (await Leader.Store.GetBlockAsync(height, default))!.Signatures.Any(s => s.Validator == key.Account);

    private ulong Final => Leader.Orderer!.FinalHeight;

    [Fact]
    public async Task FinalHeight_CountsOnlyTheSignaturesOfEachBlocksOwnValidators()
    {
        var (b, c) = (_cluster[1].Key, _cluster[2].Key);
        Leader.Start();
        await _cluster.LeaderAsync();

        // A stranger's signature is neither kept nor counted; a genesis validator's makes the block final (two of three).
        var first = await PutAsync();
        Assert.Equal(0UL, Final);
        await PublishAsync(_outsider, first);
        await PublishAsync(b, first);
        await _cluster.WaitUntilAsync(() => KeptAsync(first, b), "B's signature over the first block to be kept");
        Assert.False(await KeptAsync(first, _outsider));
        Assert.Equal(first, Final);

        // C is voted out in one block: it still signs that block, not the next. Signatures are handled in the order published.
        var removal = await CommitAsync(VotingChain.Leave(_alice, ++_nonce, c));
        var afterRemoval = await PutAsync();
        await PublishAsync(c, afterRemoval, removal);
        await _cluster.WaitUntilAsync(() => KeptAsync(removal, c), "C's signature over the block that removed it to be kept");
        Assert.False(await KeptAsync(afterRemoval, c));
        Assert.Equal(removal, Final);
        await PublishAsync(b, afterRemoval);
        await _cluster.WaitUntilAsync(() => Final == afterRemoval, "B's signature to make the block after C's removal final");

        // A validator voted in counts from the block after its vote, never before.
        var join = await CommitAsync(VotingChain.Join(_alice, ++_nonce, _joiner));
        var afterJoin = await PutAsync();
        await PublishAsync(_joiner, join, afterJoin);
        await _cluster.WaitUntilAsync(() => KeptAsync(afterJoin, _joiner), "the joined validator's signature to be kept");
        Assert.False(await KeptAsync(join, _joiner));
        Assert.Equal(afterJoin, Final);
        Assert.Equal(3, Leader.Orderer!.Validators.Count);
    }

    public async Task InitializeAsync() =>
        _cluster = await OrderingCluster.CreateAsync(validators: 3, runtime: _ => VotingChain.Runtime(), validatorSet: new SignerSet());

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        foreach (var key in new[] { _alice, _outsider, _joiner }) key.Dispose();
        return Task.CompletedTask;
    }
}

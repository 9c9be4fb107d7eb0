using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Tests;

public sealed class ChainTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _validator = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private readonly ChainChecker _verifier = TestChain.Checker();

    private Task<SqliteLedgerStore> OpenStoreAsync() => SqliteLedgerStore.OpenAsync(_dir.File("ledger.db"), default);

    private Task<LedgerChain> OpenAsync(SqliteLedgerStore store) =>
        LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), _validator, TestChain.Genesis(_validator), default);

    private async Task BuildChainAsync(int blocks, int txsPerBlock)
    {
        using var store = await OpenStoreAsync();
        var chain = await OpenAsync(store);
        ulong nonce = 0;
        for (var b = 0; b < blocks; b++)
        {
            var txs = Enumerable.Range(0, txsPerBlock).Select(i => TestChain.Put(_alice, ++nonce, $"k{b}-{i}", i)).ToList();
            await chain.CommitBatchAsync(txs, TestChain.Time + b * 1000, default);
        }
    }

    [Fact]
    public async Task CommitBatch_ThenReopen_ResumesAtSameHeadAndState()
    {
        await BuildChainAsync(3, 4);
        using var store = await OpenStoreAsync();
        var chain = await OpenAsync(store);
        Assert.Equal(3UL, chain.Head.Height);
        Assert.Equal(3L, CborMap.Decode(store.Get("notes/k2-3")!).GetInt("v"));
        var next = await chain.CommitBatchAsync([TestChain.Put(_alice, 13, "after", 1)], TestChain.Time + 10_000, default);
        Assert.Equal(4UL, next.Height);
        Assert.True(next.Results[0].Valid);
    }

    [Fact]
    public async Task Verify_IntactChain_PassesAndRebuildsTheStoredState()
    {
        await BuildChainAsync(5, 10);
        using var store = await OpenStoreAsync();
        var report = await _verifier.ReplayAsync(store.ReadBlocksAsync());
        Assert.True(report.Valid, report.Reason);
        Assert.Equal(6UL, report.BlocksChecked);
        Assert.Equal(50UL, report.TransactionsChecked);
        Assert.Equal(store.Head!.StateRoot, report.StateRoot);
        Assert.Equal(store.Scan("").Select(e => (e.Key, Convert.ToHexString(e.Value))),
                     report.State!.All().Select(e => (e.Key, Convert.ToHexString(e.Value))));
    }

    [Fact]
    public async Task Verify_FlippedByteInBlockBody_NamesThatHeight()
    {
        await BuildChainAsync(5, 3);
        Tamper(3, "body", 40);
        using var store = await OpenStoreAsync();
        var report = await _verifier.ReplayAsync(store.ReadBlocksAsync());
        Assert.False(report.Valid);
        Assert.Equal(3UL, report.FirstBadHeight);
    }

    [Fact]
    public async Task Verify_FlippedByteInHeader_NamesThatHeight()
    {
        await BuildChainAsync(4, 2);
        Tamper(2, "header", 20);
        using var store = await OpenStoreAsync();
        var report = await _verifier.ReplayAsync(store.ReadBlocksAsync());
        Assert.False(report.Valid);
        Assert.Equal(2UL, report.FirstBadHeight);
    }

    [Fact]
    public async Task Verify_ReplayedTransactionInLaterBlock_IsCaughtByNonceReplay()
    {
        // A block whose stored result claims a replayed transaction took effect.
        await BuildChainAsync(2, 2);
        using (var store = await OpenStoreAsync())
        {
            var chain = await OpenAsync(store);
            var replay = (await store.GetBlockAsync(1, default))!.Transactions[0];
            var block = await chain.CommitBatchAsync([replay], TestChain.Time + 5000, default);
            Assert.False(block.Results[0].Valid);
            Assert.Contains("replay", block.Results[0].Reason);
        }
        using var reopened = await OpenStoreAsync();
        Assert.True((await _verifier.ReplayAsync(reopened.ReadBlocksAsync())).Valid);
    }

    [Fact]
    public async Task Verify_BlockSignedByNonValidator_IsRejected()
    {
        await BuildChainAsync(1, 1);
        using var store = await OpenStoreAsync();
        using var outsider = SigningKey.Generate();
        var block = (await store.GetBlockAsync(1, default))!;
        var forged = block with { Signatures = [new BlockSignature(outsider.PublicKey, outsider.Sign(block.Hash))] };
        var blocks = store.ReadBlocksAsync().Take(1).Append(new StoredBlock(1, forged.Header.Encode(), forged.EncodeBody()));
        var report = await _verifier.ReplayAsync(blocks);
        Assert.False(report.Valid);
        Assert.Equal(1UL, report.FirstBadHeight);
        Assert.Contains("not a validator", report.Reason);
    }

    [Fact]
    public async Task Replay_StoredResultThatTheHeaderDoesNotCommitTo_IsRejected()
    {
        await BuildChainAsync(2, 2);
        using var store = await OpenStoreAsync();
        var block = (await store.GetBlockAsync(2, default))!;
        var altered = block with { Results = [block.Results[0], TxResult.Invalid("forged")] };
        var blocks = store.ReadBlocksAsync().Take(2).Append(new StoredBlock(2, altered.Header.Encode(), altered.EncodeBody()));

        var report = await _verifier.ReplayAsync(blocks);

        Assert.False(report.Valid);
        Assert.Equal(2UL, report.FirstBadHeight);
        Assert.Contains("transactions root", report.Reason);
    }

    [Fact]
    public async Task Proof_ForEveryTransaction_VerifiesAgainstTheValidator()
    {
        await BuildChainAsync(1, 9);
        using var store = await OpenStoreAsync();
        var block = (await store.GetBlockAsync(1, default))!;
        var trusted = new HashSet<AccountId> { _validator.Account };
        for (var i = 0; i < 9; i++)
        {
            var verdict = TransactionProof.Build(block, i).Verify(trusted);
            Assert.True(verdict.Valid, verdict.Reason);
            Assert.Equal(block.Transactions[i].Id, verdict.TxId);
        }
    }

    [Fact]
    public async Task Proof_WithAlteredResultOrPathOrUntrustedSigner_IsRejected()
    {
        await BuildChainAsync(1, 4);
        using var store = await OpenStoreAsync();
        var proof = TransactionProof.Build((await store.GetBlockAsync(1, default))!, 2);
        var trusted = new HashSet<AccountId> { _validator.Account };

        Assert.False((proof with { Result = TxResult.Invalid("forged") }).Verify(trusted).Valid);
        var path = proof.Path.ToList();
        path[0] = path[0] with { Sibling = Hash256.Of([1]) };
        Assert.False((proof with { Path = path }).Verify(trusted).Valid);
        Assert.False(proof.Verify(new HashSet<AccountId> { SigningKey.Generate().Account }).Valid);
        Assert.False((proof with { Header = proof.Header with { Time = 1 } }).Verify(trusted).Valid);
    }

    [Fact]
    public async Task Open_WithDifferentGenesis_Refuses()
    {
        await BuildChainAsync(1, 1);
        using var store = await OpenStoreAsync();
        using var other = SigningKey.Generate();
        await Assert.ThrowsAsync<InvalidOperationException>(() => LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), other, TestChain.Genesis(other), default));
    }

    [Fact]
    public void StateCommitment_DependsOnEveryWrite()
    {
        var a = StateCommitment.Next(Hash256.Zero, [new("k", [1])]);
        Assert.NotEqual(a, StateCommitment.Next(Hash256.Zero, [new("k", [2])]));
        Assert.NotEqual(a, StateCommitment.Next(Hash256.Zero, [new("k", null)]));
        Assert.NotEqual(a, StateCommitment.Next(Hash256.Of([0]), [new("k", [1])]));
    }

    private void Tamper(ulong height, string column, int offset)
    {
        SqliteConnection.ClearAllPools();
        using var conn = new SqliteConnection($"Data Source={_dir.File("ledger.db")}");
        conn.Open();
        using var read = conn.CreateCommand();
        read.CommandText = $"SELECT {column} FROM blocks WHERE height = {height}";
        var bytes = (byte[])read.ExecuteScalar()!;
        bytes[Math.Min(offset, bytes.Length - 1)] ^= 0x01;
        using var write = conn.CreateCommand();
        write.CommandText = $"UPDATE blocks SET {column} = $b WHERE height = {height}";
        write.Parameters.AddWithValue("$b", bytes);
        write.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _validator.Dispose();
        _alice.Dispose();
        _dir.Dispose();
    }
}

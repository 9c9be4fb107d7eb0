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

    private LedgerChain Open(SqliteLedgerStore store) =>
        new(store, new BlockExecutor(TestChain.Runtime()), _validator, TestChain.Genesis(_validator));

    private void BuildChain(int blocks, int txsPerBlock)
    {
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var chain = Open(store);
        ulong nonce = 0;
        for (var b = 0; b < blocks; b++)
        {
            var txs = Enumerable.Range(0, txsPerBlock).Select(i => TestChain.Put(_alice, ++nonce, $"k{b}-{i}", i)).ToList();
            chain.CommitBatch(txs, TestChain.Time + b * 1000);
        }
    }

    [Fact]
    public void CommitBatch_ThenReopen_ResumesAtSameHeadAndState()
    {
        BuildChain(3, 4);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var chain = Open(store);
        Assert.Equal(3UL, chain.Head.Height);
        Assert.Equal(3L, CborMap.Decode(store.Get("notes/k2-3")!).GetInt("v"));
        var next = chain.CommitBatch([TestChain.Put(_alice, 13, "after", 1)], TestChain.Time + 10_000);
        Assert.Equal(4UL, next.Height);
        Assert.True(next.Results[0].Valid);
    }

    [Fact]
    public void Verify_IntactChain_PassesAndRebuildsTheStoredState()
    {
        BuildChain(5, 10);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var report = _verifier.Replay(store.ReadBlocks());
        Assert.True(report.Valid, report.Reason);
        Assert.Equal(6UL, report.BlocksChecked);
        Assert.Equal(50UL, report.TransactionsChecked);
        Assert.Equal(store.Head!.StateRoot, report.StateRoot);
        Assert.Equal(store.Scan("").Select(e => (e.Key, Convert.ToHexString(e.Value))),
                     report.State!.All().Select(e => (e.Key, Convert.ToHexString(e.Value))));
    }

    [Fact]
    public void Verify_FlippedByteInBlockBody_NamesThatHeight()
    {
        BuildChain(5, 3);
        Tamper(3, "body", 40);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var report = _verifier.Replay(store.ReadBlocks());
        Assert.False(report.Valid);
        Assert.Equal(3UL, report.FirstBadHeight);
    }

    [Fact]
    public void Verify_FlippedByteInHeader_NamesThatHeight()
    {
        BuildChain(4, 2);
        Tamper(2, "header", 20);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var report = _verifier.Replay(store.ReadBlocks());
        Assert.False(report.Valid);
        Assert.Equal(2UL, report.FirstBadHeight);
    }

    [Fact]
    public void Verify_ReplayedTransactionInLaterBlock_IsCaughtByNonceReplay()
    {
        // A block whose stored result claims a replayed transaction took effect.
        BuildChain(2, 2);
        using (var store = new SqliteLedgerStore(_dir.File("ledger.db")))
        {
            var chain = Open(store);
            var replay = store.GetBlock(1)!.Transactions[0];
            var block = chain.CommitBatch([replay], TestChain.Time + 5000);
            Assert.False(block.Results[0].Valid);
            Assert.Contains("replay", block.Results[0].Reason);
        }
        using var reopened = new SqliteLedgerStore(_dir.File("ledger.db"));
        Assert.True(_verifier.Replay(reopened.ReadBlocks()).Valid);
    }

    [Fact]
    public void Verify_BlockSignedByNonValidator_IsRejected()
    {
        BuildChain(1, 1);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        using var outsider = SigningKey.Generate();
        var block = store.GetBlock(1)!;
        var forged = block with { Signatures = [new BlockSignature(outsider.PublicKey, outsider.Sign(block.Hash))] };
        var blocks = store.ReadBlocks().Take(1).Append(new StoredBlock(1, forged.Header.Encode(), forged.EncodeBody()));
        var report = _verifier.Replay(blocks);
        Assert.False(report.Valid);
        Assert.Equal(1UL, report.FirstBadHeight);
        Assert.Contains("not a validator", report.Reason);
    }

    [Fact]
    public void Replay_StoredResultThatTheHeaderDoesNotCommitTo_IsRejected()
    {
        BuildChain(2, 2);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var block = store.GetBlock(2)!;
        var altered = block with { Results = [block.Results[0], TxResult.Invalid("forged")] };
        var blocks = store.ReadBlocks().Take(2).Append(new StoredBlock(2, altered.Header.Encode(), altered.EncodeBody()));

        var report = _verifier.Replay(blocks);

        Assert.False(report.Valid);
        Assert.Equal(2UL, report.FirstBadHeight);
        Assert.Contains("transactions root", report.Reason);
    }

    [Fact]
    public void Proof_ForEveryTransaction_VerifiesAgainstTheValidator()
    {
        BuildChain(1, 9);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var block = store.GetBlock(1)!;
        var trusted = new HashSet<AccountId> { _validator.Account };
        for (var i = 0; i < 9; i++)
        {
            var verdict = TransactionProof.Build(block, i).Verify(trusted);
            Assert.True(verdict.Valid, verdict.Reason);
            Assert.Equal(block.Transactions[i].Id, verdict.TxId);
        }
    }

    [Fact]
    public void Proof_WithAlteredResultOrPathOrUntrustedSigner_IsRejected()
    {
        BuildChain(1, 4);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        var proof = TransactionProof.Build(store.GetBlock(1)!, 2);
        var trusted = new HashSet<AccountId> { _validator.Account };

        Assert.False((proof with { Result = TxResult.Invalid("forged") }).Verify(trusted).Valid);
        var path = proof.Path.ToList();
        path[0] = path[0] with { Sibling = Hash256.Of([1]) };
        Assert.False((proof with { Path = path }).Verify(trusted).Valid);
        Assert.False(proof.Verify(new HashSet<AccountId> { SigningKey.Generate().Account }).Valid);
        Assert.False((proof with { Header = proof.Header with { Time = 1 } }).Verify(trusted).Valid);
    }

    [Fact]
    public void Open_WithDifferentGenesis_Refuses()
    {
        BuildChain(1, 1);
        using var store = new SqliteLedgerStore(_dir.File("ledger.db"));
        using var other = SigningKey.Generate();
        Assert.Throws<InvalidOperationException>(() => new LedgerChain(store, new BlockExecutor(TestChain.Runtime()), other, TestChain.Genesis(other)));
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

using System.Security.Cryptography;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Tests;

/// <summary>The store's read-only snapshot mode, as the CLI opens a running node's data folder, and where cancellation stops an append.</summary>
public sealed class SqliteLedgerStoreTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly SigningKey _validator = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private ulong _nonce;

    private string Path => _dir.File(SqliteLedgerStore.FileName);

    private Task<LedgerChain> OpenChainAsync(SqliteLedgerStore store) =>
        LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), _validator, TestChain.Genesis(_validator), default);

    /// <summary>One block that overwrites "notes/shared" and adds a key of its own.</summary>
    private Task<Block> CommitAsync(LedgerChain chain, long value) =>
        chain.CommitBatchAsync([TestChain.Put(_alice, ++_nonce, "shared", value), TestChain.Put(_alice, ++_nonce, $"only-{value}", value)],
            TestChain.Time + (long)_nonce, default);

    private static long? Value(SqliteLedgerStore store, string key) => store.Get("notes/" + key) is { } v ? CborMap.Decode(v).GetInt("v") : null;

    [Fact]
    public async Task OpenAsync_StoreWrittenByAnEarlierProtocolVersion_IsRefusedNamingBothVersions()
    {
        using (var node = await SqliteLedgerStore.OpenAsync(Path, default)) await CommitAsync(await OpenChainAsync(node), 1);
        await SetUserVersionAsync(0); // what every store written before the version stamp holds

        var refused = await Assert.ThrowsAsync<LedgerFormatException>(() => SqliteLedgerStore.OpenAsync(Path, default));
        var refusedReadOnly = await Assert.ThrowsAsync<LedgerFormatException>(() => SqliteLedgerStore.OpenReadOnlyAsync(Path, default));

        Assert.Contains("protocol version 1", refused.Message);
        Assert.Contains($"version {SqliteLedgerStore.ProtocolVersion}", refused.Message);
        Assert.Equal(refused.Message, refusedReadOnly.Message);
    }

    [Fact]
    public async Task OpenAsync_StoreStampedByTheVersionBefore_IsRefusedNamingBothVersions()
    {
        using (var node = await SqliteLedgerStore.OpenAsync(Path, default)) await CommitAsync(await OpenChainAsync(node), 1);
        await SetUserVersionAsync(SqliteLedgerStore.ProtocolVersion - 1);

        var refused = await Assert.ThrowsAsync<LedgerFormatException>(() => SqliteLedgerStore.OpenAsync(Path, default));

        Assert.Contains($"protocol version {SqliteLedgerStore.ProtocolVersion - 1}", refused.Message);
    }

    [Fact]
    public async Task OpenAsync_NewStore_IsStampedAndOpensAgain()
    {
        using (var node = await SqliteLedgerStore.OpenAsync(Path, default)) await CommitAsync(await OpenChainAsync(node), 1);

        using var again = await SqliteLedgerStore.OpenAsync(Path, default);

        Assert.Equal(1UL, again.Head!.Height);
        Assert.Equal(SqliteLedgerStore.ProtocolVersion, await UserVersionAsync());
    }

    private async Task SetUserVersionAsync(int version)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA user_version = {version}";
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> UserVersionAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task OpenReadOnlyAsync_NodeAppendsAfterOpening_BlocksAndStateStayAtTheSnapshot()
    {
        using var node = await SqliteLedgerStore.OpenAsync(Path, default);
        var chain = await OpenChainAsync(node);
        await CommitAsync(chain, 1);
        await CommitAsync(chain, 2);

        using var snapshot = await SqliteLedgerStore.OpenReadOnlyAsync(Path, default);
        await using var blocks = snapshot.ReadBlocksAsync().GetAsyncEnumerator();
        Assert.True(await blocks.MoveNextAsync());
        var later = await CommitAsync(chain, 3);
        var rest = new List<ulong>();
        while (await blocks.MoveNextAsync()) rest.Add(blocks.Current.Height);

        Assert.Equal(3UL, node.Head!.Height);
        Assert.Equal(3L, Value(node, "shared"));
        Assert.Equal(2UL, snapshot.Head!.Height);
        Assert.Equal([1UL, 2UL], rest);
        Assert.Null(await snapshot.GetBlockAsync(3, default));
        Assert.Null(await snapshot.FindTransactionAsync(later.Transactions[0].Id, default));
        Assert.Equal(2L, Value(snapshot, "shared"));
        Assert.Null(Value(snapshot, "only-3"));
        var replayed = await TestChain.Checker().ReplayAsync(snapshot.ReadBlocksAsync());
        Assert.True(replayed.Valid, replayed.Reason);
        Assert.Equal(snapshot.Head.StateRoot, replayed.StateRoot);
        Assert.Equal(replayed.State!.All().Select(e => (e.Key, Convert.ToHexString(e.Value))),
                     snapshot.Scan("").Select(e => (e.Key, Convert.ToHexString(e.Value))));
    }

    [Fact]
    public async Task OpenReadOnlyAsync_AppendOrAddSignatures_IsRefusedAndTheDatabaseIsUnchanged()
    {
        Proposal next;
        Block stored;
        using (var node = await SqliteLedgerStore.OpenAsync(Path, default))
        {
            var chain = await OpenChainAsync(node);
            stored = await CommitAsync(chain, 1);
            next = chain.Propose([TestChain.Put(_alice, ++_nonce, "shared", 2)], TestChain.Time + 10_000);
        }
        var before = SHA256.HashData(File.ReadAllBytes(Path));
        using var other = SigningKey.Generate();

        using (var snapshot = await SqliteLedgerStore.OpenReadOnlyAsync(Path, default))
        {
            var append = await Assert.ThrowsAsync<InvalidOperationException>(() => snapshot.AppendAsync(next.Block, next.Executed.Writes, default));
            await Assert.ThrowsAsync<InvalidOperationException>(() => snapshot.AddSignaturesAsync(1, [new BlockSignature(other.PublicKey, other.Sign(stored.Hash))], default));
            Assert.Contains("read-only", append.Message);
            Assert.Equal(1UL, snapshot.Head!.Height);
        }

        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(Path)));
        using var reopened = await SqliteLedgerStore.OpenAsync(Path, default);
        Assert.Equal(1UL, reopened.Head!.Height);
        Assert.Single((await reopened.GetBlockAsync(1, default))!.Signatures);
    }

    [Fact]
    public async Task OpenReadOnlyAsync_NoDatabaseAtThePath_ThrowsAndCreatesNone()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => SqliteLedgerStore.OpenReadOnlyAsync(Path, default));

        Assert.Contains("no ledger at", error.Message);
        Assert.False(File.Exists(Path));
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeItBegins_WritesNothingAndTheNextAppendFits()
    {
        using var node = await SqliteLedgerStore.OpenAsync(Path, default);
        var chain = await OpenChainAsync(node);
        var next = chain.Propose([TestChain.Put(_alice, ++_nonce, "shared", 1)], TestChain.Time);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => node.AppendAsync(next.Block, next.Executed.Writes, cancelled.Token));

        Assert.Equal(0UL, node.Head!.Height);
        Assert.Null(await node.GetBlockAsync(1, default));
        Assert.Null(Value(node, "shared"));
        await chain.CommitProposedAsync(next, default);
        Assert.Equal(1L, Value(node, "shared"));
    }

    public void Dispose()
    {
        _validator.Dispose();
        _alice.Dispose();
        _dir.Dispose();
    }
}

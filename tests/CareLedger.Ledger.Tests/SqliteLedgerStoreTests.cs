using System.Security.Cryptography;
using CareLedger.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Tests;

/// <summary>The store's guarantees on SQLite, the protocol version in its user_version.</summary>
public sealed class SqliteLedgerStoreTests : LedgerStoreTests
{
    private readonly TempFolder _dir = new();

    private string Path => _dir.File(SqliteLedgerStore.FileName);

    protected override async Task<ILedgerStore> OpenAsync() => await SqliteLedgerStore.OpenAsync(Path, default);
    protected override async Task<ILedgerStore> OpenReadOnlyAsync() => await SqliteLedgerStore.OpenReadOnlyAsync(Path, default);

    protected override async Task SetVersionAsync(int? version)
    {
        await using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA user_version = {version ?? 0}";
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<int?> StoredVersionAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }

    protected override Task<string> FingerprintAsync() => Task.FromResult(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path))));

    [Fact]
    public async Task OpenReadOnlyAsync_NoDatabaseAtThePath_ThrowsAndCreatesNone()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => SqliteLedgerStore.OpenReadOnlyAsync(Path, default));

        Assert.Contains("no ledger at", error.Message);
        Assert.False(File.Exists(Path));
    }

    [Fact]
    public async Task Append_PastTheThreshold_BlocksReachTheDatabaseFileInTheBackground_WithoutTheWriterCheckpointing()
    {
        // A threshold of one page, so that three small blocks pass it; they are far below the writer's own backstop, so only
        // the background checkpoint can copy them from the WAL into the database file.
        using var sqlite = await SqliteLedgerStore.OpenAsync(Path, default, checkpointFromWalPages: 1);
        ILedgerStore node = sqlite;
        var chain = await OpenChainAsync(node);
        for (var i = 1; i <= 3; i++) await CommitAsync(chain, i);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (HeightInDatabaseFileAlone() < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);

        Assert.Equal(3, HeightInDatabaseFileAlone());
        Assert.True(sqlite.Checkpoints.Run >= 1);
        Assert.Equal(0, sqlite.Checkpoints.Failed);
        Assert.Equal(3UL, node.Head!.Height);
    }

    [Fact]
    public async Task Append_BelowTheThreshold_NothingIsCheckpointed_TheWalGrows()
    {
        using var node = await OpenAsync();
        var sqlite = (SqliteLedgerStore)node;
        var chain = await OpenChainAsync(node);
        for (var i = 1; i <= 3; i++) await CommitAsync(chain, i);

        await Task.Delay(SqliteLedgerStore.CheckpointDelay * 3);

        Assert.Equal(0, sqlite.Checkpoints.Run);
        Assert.True(HeightInDatabaseFileAlone() < 3);
        Assert.True(new FileInfo(Path + "-wal").Length < SqliteLedgerStore.CheckpointFromWalPages * 4096L);
    }

    [Fact]
    public async Task Dispose_StopsTheCheckpointer_AndTheStoreReopensAtItsHead()
    {
        var node = await OpenAsync();
        var chain = await OpenChainAsync(node);
        await CommitAsync(chain, 1);

        node.Dispose();
        node.Dispose();
        using var again = await OpenAsync();

        Assert.Equal(1UL, again.Head!.Height);
    }

    /// <summary>The highest block in the database file without its WAL: a copy of the file alone, opened as its own database.</summary>
    private long HeightInDatabaseFileAlone()
    {
        var copy = _dir.File($"alone-{Guid.NewGuid():N}.db");
        File.Copy(Path, copy);
        try
        {
            using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT COALESCE(MAX(height), -1) FROM blocks";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return -1; // the file alone may not yet hold even the schema
        }
        finally
        {
            File.Delete(copy);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}

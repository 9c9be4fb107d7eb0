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

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}

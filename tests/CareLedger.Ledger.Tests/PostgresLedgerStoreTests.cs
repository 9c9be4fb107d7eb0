using CareLedger.Ledger.Storage;
using CareLedger.Testing;
using Npgsql;

namespace CareLedger.Ledger.Tests;

/// <summary>The store's guarantees on a real PostgreSQL server (a private cluster per class), the protocol version in ledger_meta.</summary>
public sealed class PostgresLedgerStoreTests(PostgresServer server) : LedgerStoreTests, IClassFixture<PostgresServer>
{
    private string? _database;

    private async Task<string> DatabaseAsync() => _database ??= await server.CreateDatabaseAsync();

    protected override async Task<ILedgerStore> OpenAsync() => await PostgresLedgerStore.OpenAsync(await DatabaseAsync(), default);
    protected override async Task<ILedgerStore> OpenReadOnlyAsync() => await PostgresLedgerStore.OpenReadOnlyAsync(await DatabaseAsync(), default);

    protected override async Task SetVersionAsync(int? version) => await PostgresServer.ExecuteAsync(await DatabaseAsync(), version is null
        ? "DELETE FROM ledger_meta WHERE name = 'protocol_version'"
        : $"UPDATE ledger_meta SET value = '{version}' WHERE name = 'protocol_version'");

    protected override async Task<int?> StoredVersionAsync() =>
        await ScalarAsync("SELECT value FROM ledger_meta WHERE name = 'protocol_version'") is string v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    protected override async Task<string> FingerprintAsync() => (string)(await ScalarAsync("""
        SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
          SELECT 'b' || height || encode(header, 'hex') || encode(body, 'hex') AS t FROM blocks
          UNION ALL SELECT 's' || key || encode(value, 'hex') FROM state
          UNION ALL SELECT 'x' || encode(id, 'hex') || height || ':' || idx FROM txs
          UNION ALL SELECT 'g' || height || encode(validator, 'hex') FROM block_signatures
          UNION ALL SELECT 'm' || name || value FROM ledger_meta) AS everything
        """))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(await DatabaseAsync() + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task OpenReadOnlyAsync_DatabaseWithoutALedger_IsRefusedAndCreatesNoTables()
    {
        var error = await Assert.ThrowsAsync<LedgerFormatException>(OpenReadOnlyAsync);

        Assert.Contains("there is no ledger in PostgreSQL database", error.Message);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task OpenAsync_NoServerListening_ThrowsNpgsqlException()
    {
        const string nowhere = "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=5";

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PostgresLedgerStore.OpenAsync(nowhere, default));
    }
}

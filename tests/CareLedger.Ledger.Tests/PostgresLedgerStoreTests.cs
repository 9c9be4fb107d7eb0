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
    public async Task AppendAndGet_AfterTheServerDroppedEveryConnection_ReconnectAndGoOn()
    {
        using var validator = CareLedger.Ledger.Cryptography.SigningKey.Generate();
        using var alice = CareLedger.Ledger.Cryptography.SigningKey.Generate();
        using var store = await OpenAsync();
        var chain = await CareLedger.Ledger.Chain.LedgerChain.OpenAsync(store, new CareLedger.Ledger.Chain.BlockExecutor(TestChain.Runtime()), validator, TestChain.Genesis(validator), default);
        await chain.CommitBatchAsync([TestChain.Put(alice, 1, "before", 1)], TestChain.Time + 1, default);
        Assert.NotNull(store.Get("notes/before"));
        _ = store.Scan("notes/", null, 10);

        // As a server restart or a failover would: every connection of the store's database is cut.
        await ScalarAsync("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        await chain.CommitBatchAsync([TestChain.Put(alice, 2, "after", 2)], TestChain.Time + 2, default);

        Assert.Equal(2UL, store.Head!.Height);
        Assert.Null(store.Get("notes/never-written"));
        Assert.Equal(["notes/after", "notes/before", "notes/genesis"], store.Scan("notes/", null, 10).Select(e => e.Key));
        using var reopened = await OpenAsync();
        Assert.Equal(store.Head.Hash(), reopened.Head!.Hash());
    }

    [Fact]
    public async Task OpenAsync_NoServerListening_ThrowsNpgsqlException()
    {
        const string nowhere = "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=5";

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PostgresLedgerStore.OpenAsync(nowhere, default));
    }
}

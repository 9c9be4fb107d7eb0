using Npgsql;

namespace CareLedger.Bench;

/// <summary>
/// With <c>--CareLedger:Store=&lt;connection string&gt;</c>, every bench node gets an empty schema of its own in that
/// database (the store's tables are unqualified, so <c>Search Path</c> puts them there), dropped when the node stops:
/// each scenario starts a fresh demo chain, as it does on SQLite in a fresh data folder.
/// </summary>
public sealed class BenchSchema(string admin, string name, string connectionString)
{
    public const string StoreArg = "--CareLedger:Store=";

    public string ConnectionString => connectionString;

    public static async Task<BenchSchema?> CreateAsync(IEnumerable<string> nodeArgs)
    {
        var store = nodeArgs.LastOrDefault(a => a.StartsWith(StoreArg, StringComparison.Ordinal))?[StoreArg.Length..];
        if (string.IsNullOrWhiteSpace(store)) return null;
        var name = "careledger_bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(store, $"CREATE SCHEMA {name}");
        var scoped = new NpgsqlConnectionStringBuilder(store) { SearchPath = name }.ConnectionString;
        return new BenchSchema(store, name, scoped);
    }

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(admin, $"DROP SCHEMA {name} CASCADE");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

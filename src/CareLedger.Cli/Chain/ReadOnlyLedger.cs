using CareLedger.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace CareLedger.Cli.Chain;

/// <summary>
/// A node's ledger.db opened read-only. Everything is read in one read transaction, so blocks and
/// state come from the same snapshot even while the node keeps appending. Never writes the database.
/// </summary>
public sealed class ReadOnlyLedger : IDisposable
{
    public const string FileName = "ledger.db";
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _snapshot;

    private ReadOnlyLedger(SqliteConnection connection)
    {
        _connection = connection;
        _snapshot = connection.BeginTransaction(deferred: true);
    }

    public static ReadOnlyLedger Open(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) throw new CliException($"no ledger at {path}");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return new ReadOnlyLedger(connection);
    }

    /// <summary>The height of the last stored block, or null when there is none.</summary>
    public ulong? Head()
    {
        using var cmd = Command("SELECT MAX(height) FROM blocks");
        return cmd.ExecuteScalar() is long height ? (ulong)height : null;
    }

    public IEnumerable<StoredBlock> Blocks()
    {
        using var cmd = Command("SELECT height, header, body FROM blocks ORDER BY height");
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return new StoredBlock((ulong)r.GetInt64(0), (byte[])r[1], (byte[])r[2]);
    }

    public IEnumerable<KeyValuePair<string, byte[]>> State()
    {
        using var cmd = Command("SELECT key, value FROM state");
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return new(r.GetString(0), (byte[])r[1]);
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _snapshot;
        return cmd;
    }

    public void Dispose()
    {
        _snapshot.Dispose();
        _connection.Dispose();
    }
}

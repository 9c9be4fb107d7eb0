using Microsoft.Data.Sqlite;

namespace CareLedger.Bench;

/// <summary>What the ledger takes on disk per committed transaction (SQLite's ledger.db after the run), for sizing.</summary>
public sealed record StorageFigures(long Transactions, long FileBytes, long BlockBytes)
{
    public double FileBytesPerTx => Transactions == 0 ? 0 : (double)FileBytes / Transactions;
    public double BlockBytesPerTx => Transactions == 0 ? 0 : (double)BlockBytes / Transactions;

    /// <summary>Null when the ledger is not in SQLite in that folder (a PostgreSQL store).</summary>
    public static StorageFigures? Measure(string dataDir)
    {
        var path = Path.Combine(dataDir, "ledger.db");
        if (!File.Exists(path)) return null;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }
        // The file as it stands (pages in use, including the tx index and the state) plus its write-ahead log.
        var wal = path + "-wal";
        return new StorageFigures(Scalar("SELECT count(*) FROM txs"), Scalar("PRAGMA page_count") * Scalar("PRAGMA page_size") + (File.Exists(wal) ? new FileInfo(wal).Length : 0),
            Scalar("SELECT coalesce(sum(length(header) + length(body)), 0) FROM blocks"));
    }

    public void Print() =>
        Console.WriteLine($"storage: ledger.db holds {Transactions:N0} transactions in {FileBytes / 1048576.0:N1} MB: {FileBytesPerTx:N0} bytes per transaction " +
                          $"({BlockBytesPerTx:N0} of them in blocks; the rest the transaction index, the state and SQLite's pages)");
}

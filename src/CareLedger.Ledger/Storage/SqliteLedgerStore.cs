using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.State;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// The block store and world state in one SQLite database (WAL, synchronous=FULL): a block, its
/// transaction index and its state writes commit in one SQLite transaction (<c>.Writes</c>). Validator
/// signatures that arrive after a block is stored live beside it in <c>block_signatures</c>, leaving the
/// block's bytes as appended. Opened read-only (<see cref="OpenReadOnlyAsync"/>) it never writes the
/// database and reads everything from one snapshot (<c>.Reads</c>).
/// Microsoft.Data.Sqlite's asynchronous calls complete synchronously: awaiting them costs no thread hop.
/// </summary>
public sealed partial class SqliteLedgerStore : ILedgerStore
{
    /// <summary>The store's file in a node's data folder.</summary>
    public const string FileName = "ledger.db";

    /// <summary>The protocol version whose encodings the store holds (docs/protocol.md), kept in SQLite's user_version.</summary>
    public const int ProtocolVersion = 4;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, header BLOB NOT NULL, body BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS txs (id BLOB PRIMARY KEY, height INTEGER NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS block_signatures (height INTEGER NOT NULL, validator BLOB NOT NULL, signature BLOB NOT NULL, PRIMARY KEY (height, validator)) WITHOUT ROWID;
        """;

    private readonly string _connectionString;
    // Block writes and execution reads; read-only, the snapshot's connection, on which every read runs.
    private readonly SqliteConnection _connection;
    // The executor reads state on _connection outside the write lock, so signatures are written on their own connection. Null when read-only.
    private readonly SqliteConnection? _signatureWriter;
    // Read-only: the one read transaction that pins the snapshot.
    private readonly SqliteTransaction? _snapshot;
    private readonly ExecutionReader _execution;
    private readonly ConcurrentBag<ExecutionReader> _readers = [];
    private readonly StateCache _cache = new(capacity: 2_000_000);
    private readonly StrongBox<long> _stateRowsRead = new();
    private BlockHeader? _head;

    private SqliteLedgerStore(string connectionString, SqliteConnection connection, SqliteConnection? signatureWriter, SqliteTransaction? snapshot, BlockHeader? head)
    {
        _connectionString = connectionString;
        _connection = connection;
        _signatureWriter = signatureWriter;
        _snapshot = snapshot;
        _head = head;
        // Read-only, the snapshot never changes: nothing to cache.
        _execution = new ExecutionReader(connection, snapshot is null ? _cache : null, _stateRowsRead);
    }

    /// <summary>Opens (creating if need be) the store at <paramref name="path"/> for a node that appends to it.</summary>
    /// <param name="checkpointFromWalPages">How large the WAL must be before blocks appended to it are checkpointed in the
    /// background (see <c>.Checkpoints</c>); SQLite's own default threshold unless a test needs another.</param>
    public static async Task<SqliteLedgerStore> OpenAsync(string path, CancellationToken ct, int checkpointFromWalPages = CheckpointFromWalPages)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        var writer = new SqliteConnection(connectionString);
        SqliteConnection? signatureWriter = null;
        try
        {
            await writer.OpenAsync(ct);
            await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " + BackstopPragma, ct);
            await ExecuteAsync(writer, Schema, ct);
            await CheckVersionAsync(writer, path, stamp: true, ct);
            signatureWriter = new SqliteConnection(connectionString);
            await signatureWriter.OpenAsync(ct);
            await ExecuteAsync(signatureWriter, "PRAGMA synchronous=FULL; " + BackstopPragma, ct);
            var store = new SqliteLedgerStore(connectionString, writer, signatureWriter, null, await ReadHeadAsync(writer, ct));
            store.StartCheckpoints(path + "-wal", checkpointFromWalPages);
            return store;
        }
        catch
        {
            signatureWriter?.Dispose();
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing store to read, never to write (SQLite read-only mode): blocks and state come from one
    /// snapshot, taken as it opens, however much a node goes on appending. Writing throws. For one caller at a time.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no database at <paramref name="path"/>; none is created.</exception>
    public static async Task<SqliteLedgerStore> OpenReadOnlyAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no ledger at {path}", path);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var connection = new SqliteConnection(connectionString);
        SqliteTransaction? snapshot = null;
        try
        {
            await connection.OpenAsync(ct);
            // Deferred, so a read-only connection can begin it; in WAL mode its first read fixes the snapshot.
            snapshot = connection.BeginTransaction(deferred: true);
            await CheckVersionAsync(connection, path, stamp: false, ct);
            return new SqliteLedgerStore(connectionString, connection, null, snapshot, await ReadHeadAsync(connection, ct));
        }
        catch
        {
            snapshot?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    public BlockHeader? Head => Volatile.Read(ref _head);
    public IStateReader ExecutionState => _execution;

    private static async Task<BlockHeader?> ReadHeadAsync(SqliteConnection connection, CancellationToken ct)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT header FROM blocks ORDER BY height DESC LIMIT 1";
        return await cmd.ExecuteScalarAsync(ct) is byte[] header ? BlockHeader.Decode(header) : null;
    }

    /// <summary>
    /// Refuses a store written with another protocol version's encodings, which this build would
    /// misread; a new, empty store is stamped with this version.
    /// </summary>
    private static async Task CheckVersionAsync(SqliteConnection connection, string path, bool stamp, CancellationToken ct)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        if (version == ProtocolVersion) return;
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM blocks)";
        var empty = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0;
        if (version == 0 && empty && stamp)
        {
            await ExecuteAsync(connection, $"PRAGMA user_version = {ProtocolVersion}", ct);
            return;
        }
        if (version == 0 && empty) return;
        throw new LedgerFormatException(
            $"the ledger in {path} was written by protocol version {(version == 0 ? 1 : version)} of CareLedger and this build speaks version {ProtocolVersion}; " +
            "move that data folder aside and start afresh (a consortium node rebuilds from the log with --resync)");
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public void Dispose()
    {
        StopCheckpoints();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
            reader.Connection.Dispose();
        }
        _execution.Dispose();
        _snapshot?.Dispose();
        _connection.Dispose();
        _signatureWriter?.Dispose();
        _writeLock.Dispose();
        if (_snapshot is null) SqliteConnection.ClearAllPools();
    }
}

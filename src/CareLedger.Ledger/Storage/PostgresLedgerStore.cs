using System.Collections.Concurrent;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.State;
using Npgsql;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// The block store and world state in a PostgreSQL database, for an organisation that already operates one:
/// the same tables as <see cref="SqliteLedgerStore"/> (blocks stored as the same bytes, state keys in ordinal
/// <c>COLLATE "C"</c> order), a block with its transaction index and state writes committed in one transaction
/// with <c>synchronous_commit = on</c> (<c>.Writes</c>). State reads go through the same in-memory cache; opened
/// read-only (<see cref="OpenReadOnlyAsync"/>) every read runs in one REPEATABLE READ transaction (<c>.Reads</c>).
/// </summary>
public sealed partial class PostgresLedgerStore : ILedgerStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS ledger_meta (name text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE IF NOT EXISTS blocks (height bigint PRIMARY KEY, hash bytea NOT NULL UNIQUE, header bytea NOT NULL, body bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS txs (id bytea PRIMARY KEY, height bigint NOT NULL, idx integer NOT NULL);
        CREATE TABLE IF NOT EXISTS state (key text COLLATE "C" PRIMARY KEY, value bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS block_signatures (height bigint NOT NULL, validator bytea NOT NULL, signature bytea NOT NULL, PRIMARY KEY (height, validator));
        """;

    private const string VersionKey = "protocol_version";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _where;
    // Appends and late signatures, always under the write lock; null when read-only.
    private NpgsqlConnection? _writer;
    // Read-only: the connection whose one REPEATABLE READ transaction is the snapshot every read runs in.
    private readonly NpgsqlConnection? _snapshotConnection;
    private readonly NpgsqlTransaction? _snapshot;
    private readonly SemaphoreSlim _snapshotLock = new(1, 1);
    private readonly StateReader _execution;
    private readonly ConcurrentBag<StateReader> _readers = [];
    private readonly StateCache _cache = new(capacity: 2_000_000);
    private BlockHeader? _head;

    private PostgresLedgerStore(NpgsqlDataSource dataSource, string where, NpgsqlConnection? writer, NpgsqlConnection? execution,
        NpgsqlTransaction? snapshot, BlockHeader? head)
    {
        _dataSource = dataSource;
        _where = where;
        _writer = writer;
        _snapshot = snapshot;
        _snapshotConnection = snapshot is null ? null : execution;
        _head = head;
        _execution = new StateReader(execution!, snapshot is null ? _cache : null, snapshot is null ? null : _snapshotLock);
    }

    /// <summary>Opens (creating its tables if need be) the store in the database <paramref name="connectionString"/> names, for a node that appends to it.</summary>
    /// <exception cref="LedgerFormatException">The database holds a ledger of another protocol version.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refuses the connection.</exception>
    public static async Task<PostgresLedgerStore> OpenAsync(string connectionString, CancellationToken ct)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        NpgsqlConnection? writer = null, execution = null;
        try
        {
            writer = await dataSource.OpenConnectionAsync(ct);
            // Durability is the server's setting by default; a block is acknowledged only once its commit is flushed, whatever the server says.
            await ExecuteAsync(writer, "SET synchronous_commit = on", ct);
            await ExecuteAsync(writer, Schema, ct);
            await CheckVersionAsync(writer, null, Describe(connectionString), stamp: true, ct);
            execution = await dataSource.OpenConnectionAsync(ct);
            return new PostgresLedgerStore(dataSource, Describe(connectionString), writer, execution, null, await ReadHeadAsync(writer, null, ct));
        }
        catch
        {
            execution?.Dispose();
            writer?.Dispose();
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing store to read, never to write: blocks and state come from one REPEATABLE READ READ ONLY
    /// transaction, taken as it opens, however much a node goes on appending. Writing throws. For one caller at a time.
    /// </summary>
    /// <exception cref="LedgerFormatException">The database holds no ledger, or one of another protocol version.</exception>
    public static async Task<PostgresLedgerStore> OpenReadOnlyAsync(string connectionString, CancellationToken ct)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(ct);
            var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            await ExecuteAsync(connection, "SET TRANSACTION READ ONLY", ct);
            if (!await ExistsAsync(connection, "SELECT to_regclass('ledger_meta') IS NOT NULL", ct))
                throw new LedgerFormatException($"there is no ledger in {Describe(connectionString)}");
            await CheckVersionAsync(connection, snapshot, Describe(connectionString), stamp: false, ct);
            return new PostgresLedgerStore(dataSource, Describe(connectionString), null, connection, snapshot, await ReadHeadAsync(connection, snapshot, ct));
        }
        catch
        {
            connection?.Dispose();
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether the database <paramref name="connectionString"/> names holds no block (it may hold no ledger tables at all).</summary>
    public static async Task<bool> IsEmptyAsync(string connectionString, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return !await ExistsAsync(connection, "SELECT to_regclass('blocks') IS NOT NULL", ct)
            || !await ExistsAsync(connection, "SELECT EXISTS (SELECT 1 FROM blocks) OR EXISTS (SELECT 1 FROM state)", ct);
    }

    public BlockHeader? Head => Volatile.Read(ref _head);
    public IStateReader ExecutionState => _execution;

    /// <summary>Where the store lives, for messages: host, port and database, never a password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database {b.Database ?? b.Username ?? "(default)"} at {b.Host}:{b.Port}";
    }

    private static async Task<BlockHeader?> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT header FROM blocks ORDER BY height DESC LIMIT 1", connection, tx);
        return await cmd.ExecuteScalarAsync(ct) is byte[] header ? BlockHeader.Decode(header) : null;
    }

    /// <summary>
    /// Refuses a store written with another protocol version's encodings, which this build would misread;
    /// a new, empty store is stamped with <see cref="SqliteLedgerStore.ProtocolVersion"/> in <c>ledger_meta</c>.
    /// </summary>
    private static async Task CheckVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string where, bool stamp, CancellationToken ct)
    {
        int? version;
        await using (var cmd = new NpgsqlCommand($"SELECT value FROM ledger_meta WHERE name = '{VersionKey}'", connection, tx))
            version = await cmd.ExecuteScalarAsync(ct) is string text && int.TryParse(text, out var v) ? v : null;
        if (version == SqliteLedgerStore.ProtocolVersion) return;
        var empty = !await ExistsAsync(connection, "SELECT EXISTS (SELECT 1 FROM blocks)", ct, tx);
        if (version is null && empty && stamp)
        {
            await ExecuteAsync(connection, $"INSERT INTO ledger_meta (name, value) VALUES ('{VersionKey}', '{SqliteLedgerStore.ProtocolVersion}') ON CONFLICT (name) DO NOTHING", ct);
            await CheckVersionAsync(connection, tx, where, stamp: false, ct);
            return;
        }
        if (version is null && empty) return;
        throw new LedgerFormatException(
            $"the ledger in {where} was written by protocol version {version ?? 1} of CareLedger and this build speaks version {SqliteLedgerStore.ProtocolVersion}; " +
            "move that database aside and start afresh (a consortium node rebuilds from the log with --resync)");
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public void Dispose()
    {
        while (_readers.TryTake(out var reader)) reader.Dispose();
        _snapshot?.Dispose();
        _execution.Dispose();
        _writer?.Dispose();
        _writeLock.Dispose();
        _snapshotLock.Dispose();
        _dataSource.Dispose();
    }
}

using System.Runtime.CompilerServices;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Reading: state synchronously, through the cache and a pool of prepared readers; blocks and the
/// transaction index asynchronously, each read on a pooled connection of its own. Read-only, every read
/// runs on the snapshot's connection, inside its one read transaction.
/// </summary>
public sealed partial class SqliteLedgerStore
{
    /// <summary>Point reads on a small pool of connections with prepared statements: admission checks call this for every transaction.</summary>
    public byte[]? Get(string key) => _snapshot is null ? _cache.Get(key, ReadPooled) : _execution.Get(key);

    private byte[]? ReadPooled(string key)
    {
        if (!_readers.TryTake(out var reader)) reader = new ExecutionReader(OpenPooled(), rowsRead: _stateRowsRead);
        try { return reader.Get(key); }
        finally { _readers.Add(reader); }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix)
    {
        if (_snapshot is not null) return ExecutionReader.Scan(_connection, prefix).ToList();
        using var conn = OpenPooled();
        return ExecutionReader.Scan(conn, prefix).ToList();
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit)
    {
        if (_snapshot is not null) return _execution.Scan(prefix, after, limit);
        if (!_readers.TryTake(out var reader)) reader = new ExecutionReader(OpenPooled(), rowsRead: _stateRowsRead);
        try { return reader.Scan(prefix, after, limit); }
        finally { _readers.Add(reader); }
    }

    /// <summary>How many state rows paged scans have read from SQLite: a page reads at most its limit.</summary>
    internal long StateRowsRead => Interlocked.Read(ref _stateRowsRead.Value);

    public ValueTask<Block?> GetBlockAsync(ulong height, CancellationToken ct) => QueryBlockAsync("height = $v", (long)height, ct);
    public ValueTask<Block?> GetBlockAsync(Hash256 hash, CancellationToken ct) => QueryBlockAsync("hash = $v", hash.ToArray(), ct);

    private async ValueTask<Block?> QueryBlockAsync(string where, object value, CancellationToken ct)
    {
        using var read = await ReadConnectionAsync(ct);
        Block block;
        using (var cmd = read.Command($"SELECT header, body FROM blocks WHERE {where}"))
        {
            cmd.Parameters.AddWithValue("$v", value);
            using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            block = Block.Decode((byte[])r[0], (byte[])r[1]);
        }
        return WithLaterSignatures(block, await LaterSignaturesAsync(read, block.Height, ct));
    }

    private static async Task<List<BlockSignature>> LaterSignaturesAsync(ReadConnection read, ulong height, CancellationToken ct)
    {
        using var cmd = read.Command("SELECT validator, signature FROM block_signatures WHERE height = $h");
        cmd.Parameters.AddWithValue("$h", (long)height);
        using var r = await cmd.ExecuteReaderAsync(ct);
        var signatures = new List<BlockSignature>();
        while (await r.ReadAsync(ct)) signatures.Add(new BlockSignature((byte[])r[0], (byte[])r[1]));
        return signatures;
    }

    /// <summary>The body's signatures, then the later ones from validators that have not signed in the body.</summary>
    private static Block WithLaterSignatures(Block block, List<BlockSignature> later)
    {
        if (later.Count == 0) return block;
        var signers = block.Signatures.Select(s => s.Validator).ToHashSet();
        return block with { Signatures = [.. block.Signatures, .. later.Where(s => signers.Add(s.Validator))] };
    }

    public async ValueTask<TxLocation?> FindTransactionAsync(Hash256 id, CancellationToken ct)
    {
        using var read = await ReadConnectionAsync(ct);
        using var cmd = read.Command("SELECT height, idx FROM txs WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id.ToArray());
        using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new TxLocation((ulong)r.GetInt64(0), r.GetInt32(1)) : null;
    }

    public async IAsyncEnumerable<StoredBlock> ReadBlocksAsync(ulong fromHeight = 0, ulong toHeight = ulong.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var read = await ReadConnectionAsync(ct);
        using var cmd = read.Command("SELECT height, header, body FROM blocks WHERE height >= $from AND height <= $to ORDER BY height");
        cmd.Parameters.AddWithValue("$from", (long)Math.Min(fromHeight, long.MaxValue));
        cmd.Parameters.AddWithValue("$to", (long)Math.Min(toHeight, long.MaxValue));
        using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) yield return new StoredBlock((ulong)r.GetInt64(0), (byte[])r[1], (byte[])r[2]);
    }

    private SqliteConnection OpenPooled()
    {
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        return conn;
    }

    /// <summary>Where a block read runs: a pooled connection of its own, or (read-only) the snapshot's.</summary>
    private async ValueTask<ReadConnection> ReadConnectionAsync(CancellationToken ct)
    {
        if (_snapshot is not null) return new ReadConnection(_connection, Owned: false);
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        return new ReadConnection(conn, Owned: true);
    }

    private readonly record struct ReadConnection(SqliteConnection Connection, bool Owned) : IDisposable
    {
        /// <summary>A command on the connection; it joins the snapshot's transaction when there is one.</summary>
        public SqliteCommand Command(string sql)
        {
            var cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            return cmd;
        }

        public void Dispose()
        {
            if (Owned) Connection.Dispose();
        }
    }

    /// <summary>Reads state on one connection with a prepared statement; used by one thread at a time.</summary>
    private sealed class ExecutionReader : IStateReader, IDisposable
    {
        private readonly SqliteCommand _get;
        private readonly SqliteParameter _key;
        private readonly StateCache? _cache;
        private readonly StrongBox<long> _rowsRead;

        public SqliteConnection Connection { get; }

        public ExecutionReader(SqliteConnection conn, StateCache? cache = null, StrongBox<long>? rowsRead = null)
        {
            _cache = cache;
            _rowsRead = rowsRead ?? new();
            Connection = conn;
            _get = conn.CreateCommand();
            _get.CommandText = "SELECT value FROM state WHERE key = $k";
            _key = _get.Parameters.Add("$k", SqliteType.Text);
            _get.Prepare();
        }

        public byte[]? Get(string key) => _cache is null ? Load(key) : _cache.Get(key, Load);

        private byte[]? Load(string key)
        {
            _key.Value = key;
            return _get.ExecuteScalar() as byte[];
        }

        public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix) => Scan(Connection, prefix).ToList();

        public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
            using var cmd = Connection.CreateCommand();
            // The same ordinal range, starting past the cursor; LIMIT keeps SQLite from stepping further.
            cmd.CommandText = "SELECT key, value FROM state WHERE key >= $lo AND key > $after AND key < $hi ORDER BY key LIMIT $limit";
            cmd.Parameters.AddWithValue("$lo", prefix);
            cmd.Parameters.AddWithValue("$after", after ?? "");
            cmd.Parameters.AddWithValue("$hi", prefix + '\uffff');
            cmd.Parameters.AddWithValue("$limit", limit);
            using var r = cmd.ExecuteReader();
            var page = new List<KeyValuePair<string, byte[]>>();
            while (r.Read()) page.Add(new(r.GetString(0), (byte[])r[1]));
            Interlocked.Add(ref _rowsRead.Value, page.Count);
            return page;
        }

        internal static IEnumerable<KeyValuePair<string, byte[]>> Scan(SqliteConnection conn, string prefix)
        {
            using var cmd = conn.CreateCommand();
            // Ordinal range scan: every key starting with the prefix lies in [prefix, prefix + U+FFFF).
            cmd.CommandText = "SELECT key, value FROM state WHERE key >= $lo AND key < $hi ORDER BY key";
            cmd.Parameters.AddWithValue("$lo", prefix);
            cmd.Parameters.AddWithValue("$hi", prefix + '\uffff');
            using var r = cmd.ExecuteReader();
            while (r.Read()) yield return new(r.GetString(0), (byte[])r[1]);
        }

        public void Dispose() => _get.Dispose();
    }
}

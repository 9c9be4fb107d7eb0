using System.Collections.Concurrent;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// The block store and world state in one SQLite database (WAL, synchronous=FULL): a block, its
/// transaction index and its state writes commit in one SQLite transaction. Validator signatures that
/// arrive after a block is stored live beside it in <c>block_signatures</c>, leaving the block's bytes as appended.
/// </summary>
public sealed class SqliteLedgerStore : ILedgerStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, header BLOB NOT NULL, body BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS txs (id BLOB PRIMARY KEY, height INTEGER NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS block_signatures (height INTEGER NOT NULL, validator BLOB NOT NULL, signature BLOB NOT NULL, PRIMARY KEY (height, validator)) WITHOUT ROWID;
        """;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    // The executor thread reads state on _writer outside the write lock, so other threads write on their own connection.
    private readonly SqliteConnection _signatureWriter;
    private readonly ExecutionReader _execution;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentBag<ExecutionReader> _readers = [];
    private readonly StateCache _cache = new(capacity: 2_000_000);
    private BlockHeader? _head;

    public SqliteLedgerStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Execute(_writer, Schema);
        _execution = new ExecutionReader(_writer, _cache);
        _signatureWriter = new SqliteConnection(_connectionString);
        _signatureWriter.Open();
        Execute(_signatureWriter, "PRAGMA synchronous=FULL;");
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT header FROM blocks ORDER BY height DESC LIMIT 1";
        if (cmd.ExecuteScalar() is byte[] header) _head = BlockHeader.Decode(header);
    }

    public BlockHeader? Head => Volatile.Read(ref _head);
    public IStateReader ExecutionState => _execution;

    public void Append(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes)
    {
        lock (_writeLock)
        {
            var expected = _head is null ? 0 : _head.Height + 1;
            if (block.Height != expected) throw new InvalidOperationException($"expected block {expected}, got {block.Height}");
            _cache.BeginUpdate();
            try
            {
                CommitBlock(block, writes);
                _cache.Apply(writes);
            }
            finally
            {
                _cache.EndUpdate();
            }
            Volatile.Write(ref _head, block.Header);
        }
    }

    private void CommitBlock(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes)
    {
        using var tx = _writer.BeginTransaction();
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO blocks (height, hash, header, body) VALUES ($h, $hash, $header, $body)";
            cmd.Parameters.AddWithValue("$h", (long)block.Height);
            cmd.Parameters.AddWithValue("$hash", block.Hash.ToArray());
            cmd.Parameters.AddWithValue("$header", block.Header.Encode());
            cmd.Parameters.AddWithValue("$body", block.EncodeBody());
            cmd.ExecuteNonQuery();
        }
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = "INSERT OR IGNORE INTO txs (id, height, idx) VALUES ($id, $h, $i)";
            var id = cmd.Parameters.Add("$id", SqliteType.Blob);
            cmd.Parameters.AddWithValue("$h", (long)block.Height);
            var idx = cmd.Parameters.Add("$i", SqliteType.Integer);
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                id.Value = block.Transactions[i].Id.ToArray();
                idx.Value = i;
                cmd.ExecuteNonQuery();
            }
        }
        using (var put = _writer.CreateCommand())
        using (var del = _writer.CreateCommand())
        {
            put.CommandText = "INSERT INTO state (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            var pk = put.Parameters.Add("$k", SqliteType.Text);
            var pv = put.Parameters.Add("$v", SqliteType.Blob);
            del.CommandText = "DELETE FROM state WHERE key = $k";
            var dk = del.Parameters.Add("$k", SqliteType.Text);
            foreach (var (key, value) in writes)
            {
                if (value is null) { dk.Value = key; del.ExecuteNonQuery(); }
                else { pk.Value = key; pv.Value = value; put.ExecuteNonQuery(); }
            }
        }
        tx.Commit();
    }

    public void AddSignatures(ulong height, IReadOnlyList<BlockSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        AddSignatures(signatures.Select(s => (height, s)).ToList());
    }

    public void AddSignatures(IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        // Under the write lock: the head cannot move, and the two connections never contend for SQLite's write lock.
        lock (_writeLock)
        {
            foreach (var (height, _) in signatures)
                if (_head is null || height > _head.Height)
                    throw new ArgumentOutOfRangeException(nameof(signatures), height, $"no block {height} is stored to add signatures to");
            using var tx = _signatureWriter.BeginTransaction();
            using var cmd = _signatureWriter.CreateCommand();
            cmd.CommandText = "INSERT OR IGNORE INTO block_signatures (height, validator, signature) VALUES ($h, $v, $s)";
            var h = cmd.Parameters.Add("$h", SqliteType.Integer);
            var validator = cmd.Parameters.Add("$v", SqliteType.Blob);
            var signature = cmd.Parameters.Add("$s", SqliteType.Blob);
            foreach (var (height, s) in signatures)
            {
                h.Value = (long)height;
                validator.Value = s.ValidatorKey;
                signature.Value = s.Signature;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    /// <summary>Point reads on a small pool of connections with prepared statements: admission checks call this for every transaction.</summary>
    public byte[]? Get(string key) => _cache.Get(key, ReadPooled);

    private byte[]? ReadPooled(string key)
    {
        if (!_readers.TryTake(out var reader)) reader = new ExecutionReader(Open());
        try { return reader.Get(key); }
        finally { _readers.Add(reader); }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix)
    {
        using var conn = Open();
        return ExecutionReader.Scan(conn, prefix).ToList();
    }

    public Block? GetBlock(ulong height) => QueryBlock("height = $v", (long)height);
    public Block? GetBlock(Hash256 hash) => QueryBlock("hash = $v", hash.ToArray());

    private Block? QueryBlock(string where, object value)
    {
        using var conn = Open();
        Block block;
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT header, body FROM blocks WHERE {where}";
            cmd.Parameters.AddWithValue("$v", value);
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            block = Block.Decode((byte[])r[0], (byte[])r[1]);
        }
        return WithLaterSignatures(block, LaterSignatures(conn, block.Height));
    }

    private static List<BlockSignature> LaterSignatures(SqliteConnection conn, ulong height)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT validator, signature FROM block_signatures WHERE height = $h";
        cmd.Parameters.AddWithValue("$h", (long)height);
        using var r = cmd.ExecuteReader();
        var signatures = new List<BlockSignature>();
        while (r.Read()) signatures.Add(new BlockSignature((byte[])r[0], (byte[])r[1]));
        return signatures;
    }

    /// <summary>The body's signatures, then the later ones from validators that have not signed in the body.</summary>
    private static Block WithLaterSignatures(Block block, List<BlockSignature> later)
    {
        if (later.Count == 0) return block;
        var signers = block.Signatures.Select(s => s.Validator).ToHashSet();
        return block with { Signatures = [.. block.Signatures, .. later.Where(s => signers.Add(s.Validator))] };
    }

    public TxLocation? FindTransaction(Hash256 id)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT height, idx FROM txs WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id.ToArray());
        using var r = cmd.ExecuteReader();
        return r.Read() ? new TxLocation((ulong)r.GetInt64(0), r.GetInt32(1)) : null;
    }

    public IEnumerable<StoredBlock> ReadBlocks(ulong fromHeight = 0)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT height, header, body FROM blocks WHERE height >= $h ORDER BY height";
        cmd.Parameters.AddWithValue("$h", (long)fromHeight);
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return new StoredBlock((ulong)r.GetInt64(0), (byte[])r[1], (byte[])r[2]);
    }

    private SqliteConnection Open()
    {
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        return conn;
    }

    private static void Execute(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
            reader.Connection.Dispose();
        }
        _execution.Dispose();
        _writer.Dispose();
        _signatureWriter.Dispose();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Reads state on one connection with a prepared statement; used by one thread at a time.</summary>
    private sealed class ExecutionReader : IStateReader, IDisposable
    {
        private readonly SqliteCommand _get;
        private readonly SqliteParameter _key;

        public SqliteConnection Connection { get; }

        private readonly StateCache? _cache;

        public ExecutionReader(SqliteConnection conn, StateCache? cache = null)
        {
            _cache = cache;
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

using System.Runtime.CompilerServices;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using Npgsql;
using NpgsqlTypes;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Reading: state synchronously, through the cache and a pool of connections with prepared statements;
/// blocks and the transaction index asynchronously, each on a pooled connection. Read-only, every read runs
/// on the snapshot's connection, one at a time.
/// </summary>
public sealed partial class PostgresLedgerStore
{
    public byte[]? Get(string key) => _snapshot is null ? _cache.Get(key, key => WithReader(r => r.Load(key))) : _execution.Get(key);

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix) =>
        _snapshot is null ? WithReader(r => r.ScanAll(prefix)) : _execution.Scan(prefix);

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit) =>
        _snapshot is null ? WithReader(r => r.Scan(prefix, after, limit)) : _execution.Scan(prefix, after, limit);

    private T WithReader<T>(Func<StateReader, T> read)
    {
        if (!_readers.TryTake(out var reader)) reader = new StateReader(_dataSource.OpenConnection());
        try { return read(reader); }
        finally { _readers.Add(reader); }
    }

    public ValueTask<Block?> GetBlockAsync(ulong height, CancellationToken ct) => QueryBlockAsync("height = $1", (long)height, ct);
    public ValueTask<Block?> GetBlockAsync(Hash256 hash, CancellationToken ct) => QueryBlockAsync("hash = $1", hash.ToArray(), ct);

    private async ValueTask<Block?> QueryBlockAsync(string where, object value, CancellationToken ct)
    {
        using var read = await ReadConnectionAsync(ct);
        Block block;
        await using (var cmd = read.Command($"SELECT header, body FROM blocks WHERE {where}"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            block = Block.Decode((byte[])r[0], (byte[])r[1]);
        }
        await using (var cmd = read.Command("SELECT validator, signature FROM block_signatures WHERE height = $1 ORDER BY validator"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = (long)block.Height });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var signers = block.Signatures.Select(s => s.Validator).ToHashSet();
            var later = new List<BlockSignature>();
            while (await r.ReadAsync(ct))
            {
                var signature = new BlockSignature((byte[])r[0], (byte[])r[1]);
                if (signers.Add(signature.Validator)) later.Add(signature);
            }
            return later.Count == 0 ? block : block with { Signatures = [.. block.Signatures, .. later] };
        }
    }

    public async ValueTask<TxLocation?> FindTransactionAsync(Hash256 id, CancellationToken ct)
    {
        using var read = await ReadConnectionAsync(ct);
        await using var cmd = read.Command("SELECT height, idx FROM txs WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id.ToArray() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new TxLocation((ulong)r.GetInt64(0), r.GetInt32(1)) : null;
    }

    /// <summary>
    /// Read in pages, each on a connection held only while the page is read: the caller may read the store between
    /// blocks (read-only, the snapshot's one connection is free again by then).
    /// </summary>
    public async IAsyncEnumerable<StoredBlock> ReadBlocksAsync(ulong fromHeight = 0, ulong toHeight = ulong.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        const int pageSize = 256;
        var from = (long)Math.Min(fromHeight, long.MaxValue);
        var to = (long)Math.Min(toHeight, long.MaxValue);
        while (from <= to)
        {
            var page = new List<StoredBlock>(pageSize);
            using (var read = await ReadConnectionAsync(ct))
            await using (var cmd = read.Command("SELECT height, header, body FROM blocks WHERE height >= $1 AND height <= $2 ORDER BY height LIMIT $3"))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = from });
                cmd.Parameters.Add(new NpgsqlParameter { Value = to });
                cmd.Parameters.Add(new NpgsqlParameter { Value = pageSize });
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) page.Add(new StoredBlock((ulong)r.GetInt64(0), (byte[])r[1], (byte[])r[2]));
            }
            foreach (var block in page) yield return block;
            if (page.Count < pageSize || page[^1].Height >= (ulong)to) yield break;
            from = (long)page[^1].Height + 1;
        }
    }

    /// <summary>Where a block read runs: a pooled connection of its own, or (read-only) the snapshot's, held for the read.</summary>
    private async ValueTask<ReadConnection> ReadConnectionAsync(CancellationToken ct)
    {
        if (_snapshot is null) return new ReadConnection(await _dataSource.OpenConnectionAsync(ct), null, null);
        await _snapshotLock.WaitAsync(ct);
        return new ReadConnection(_snapshotConnection!, _snapshot, _snapshotLock);
    }

    private readonly record struct ReadConnection(NpgsqlConnection Connection, NpgsqlTransaction? Snapshot, SemaphoreSlim? Held) : IDisposable
    {
        public NpgsqlCommand Command(string sql) => new(sql, Connection, Snapshot);

        public void Dispose()
        {
            if (Held is null) Connection.Dispose();
            else Held.Release();
        }
    }

    /// <summary>Reads state on one connection with prepared statements; used by one thread at a time (or under <c>held</c>).</summary>
    private sealed class StateReader : IStateReader, IDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _get;
        private readonly StateCache? _cache;
        private readonly SemaphoreSlim? _held;

        public StateReader(NpgsqlConnection connection, StateCache? cache = null, SemaphoreSlim? held = null)
        {
            _connection = connection;
            _cache = cache;
            _held = held;
            _get = new NpgsqlCommand("SELECT value FROM state WHERE key = $1", connection);
            _get.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
            _get.Prepare();
        }

        public byte[]? Get(string key) => _cache is null ? Load(key) : _cache.Get(key, Load);

        public byte[]? Load(string key)
        {
            using var _ = Hold();
            return Retried(() =>
            {
                _get.Parameters[0].Value = key;
                return _get.ExecuteScalar() as byte[];
            });
        }

        public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix) => ScanAll(prefix);

        /// <summary>Every key starting with the prefix lies in the ordinal range [prefix, prefix + U+FFFF), as SQLite's scan reads it.</summary>
        public List<KeyValuePair<string, byte[]>> ScanAll(string prefix) =>
            Query("SELECT key, value FROM state WHERE key >= $1 AND key < $2 ORDER BY key", prefix, prefix + '\uffff');

        public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
            return Query("SELECT key, value FROM state WHERE key >= $1 AND key < $2 AND key > $3 ORDER BY key LIMIT $4",
                prefix, prefix + '\uffff', after ?? "", limit);
        }

        private List<KeyValuePair<string, byte[]>> Query(string sql, params object[] values)
        {
            using var _ = Hold();
            return Retried(() =>
            {
                using var cmd = new NpgsqlCommand(sql, _connection);
                foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
                using var r = cmd.ExecuteReader();
                var entries = new List<KeyValuePair<string, byte[]>>();
                while (r.Read()) entries.Add(new(r.GetString(0), (byte[])r[1]));
                return entries;
            });
        }

        /// <summary>
        /// A read on a connection the server dropped (a restart, a failover) is made once more on a new connection,
        /// the statement prepared again. Not a snapshot's: its transaction, and so its snapshot, died with the connection.
        /// </summary>
        private T Retried<T>(Func<T> read)
        {
            try { return read(); }
            catch (NpgsqlException) when (_held is null && _connection.State != System.Data.ConnectionState.Open)
            {
                _connection.Close();
                _connection.Open();
                _get.Prepare();
                return read();
            }
        }

        private Held Hold()
        {
            _held?.Wait();
            return new Held(_held);
        }

        private readonly record struct Held(SemaphoreSlim? Semaphore) : IDisposable
        {
            public void Dispose() => Semaphore?.Release();
        }

        public void Dispose()
        {
            _get.Dispose();
            _connection.Dispose();
        }
    }
}

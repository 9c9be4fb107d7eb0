using CareLedger.Ledger.Blocks;
using Npgsql;
using NpgsqlTypes;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Writing: a block, its transaction index and its state writes in one PostgreSQL transaction whose commit
/// returns once the server has flushed it to its WAL (the durability point); late validator signatures beside
/// the block. Both run on one connection under one write lock, so the head cannot move under a signature write.
/// </summary>
public sealed partial class PostgresLedgerStore
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task AppendAsync(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes, CancellationToken ct)
    {
        ThrowIfReadOnly();
        await _writeLock.WaitAsync(ct);
        try
        {
            var expected = _head is null ? 0 : _head.Height + 1;
            if (block.Height != expected) throw new InvalidOperationException($"expected block {expected}, got {block.Height}");
            await EnsureWriterAsync(ct);
            _cache.BeginUpdate();
            try
            {
                try { await CommitBlockAsync(block, writes); }
                // The connection broke (the server restarted, or dropped it while idle). If it broke after the server
                // committed, the block is stored and the append succeeded; otherwise nothing was, and writing it once
                // more on a new connection is safe.
                catch (NpgsqlException) when (_writer!.State != System.Data.ConnectionState.Open)
                {
                    if (!await StoredAsync(block)) await CommitBlockAsync(block, writes);
                }
                _cache.Apply(writes);
            }
            finally
            {
                _cache.EndUpdate();
            }
            Volatile.Write(ref _head, block.Header);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes the block whole or not at all: no cancellation once the transaction has begun. Three statements, whatever the block's size.</summary>
    private async Task CommitBlockAsync(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes)
    {
        // The last write to a key wins, as it does applied one by one; one statement may not touch a row twice.
        var final = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var (key, value) in writes) final[key] = value;
        var puts = final.Where(w => w.Value is not null).ToList();

        await using var tx = await _writer!.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(_writer, tx);
        var insertBlock = new NpgsqlBatchCommand("INSERT INTO blocks (height, hash, header, body) VALUES ($1, $2, $3, $4)");
        insertBlock.Parameters.Add(new NpgsqlParameter { Value = (long)block.Height });
        insertBlock.Parameters.Add(new NpgsqlParameter { Value = block.Hash.ToArray() });
        insertBlock.Parameters.Add(new NpgsqlParameter { Value = block.Header.Encode() });
        insertBlock.Parameters.Add(new NpgsqlParameter { Value = block.EncodeBody() });
        batch.BatchCommands.Add(insertBlock);

        var index = new NpgsqlBatchCommand(
            "INSERT INTO txs (id, height, idx) SELECT id, $2, idx - 1 FROM unnest($1::bytea[]) WITH ORDINALITY AS t(id, idx) ON CONFLICT (id) DO NOTHING");
        index.Parameters.Add(new NpgsqlParameter { Value = block.Transactions.Select(t => t.Id.ToArray()).ToArray() });
        index.Parameters.Add(new NpgsqlParameter { Value = (long)block.Height });
        batch.BatchCommands.Add(index);

        var put = new NpgsqlBatchCommand(
            "INSERT INTO state (key, value) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        put.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = puts.Select(w => w.Key).ToArray() });
        put.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = puts.Select(w => w.Value!).ToArray() });
        batch.BatchCommands.Add(put);

        var delete = new NpgsqlBatchCommand("DELETE FROM state WHERE key = ANY($1::text[])");
        delete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = final.Where(w => w.Value is null).Select(w => w.Key).ToArray() });
        batch.BatchCommands.Add(delete);

        await batch.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    /// <summary>A connection the server dropped (a restart, a failover, an idle timeout) is opened again before the next write.</summary>
    private async Task EnsureWriterAsync(CancellationToken ct)
    {
        if (_writer!.State == System.Data.ConnectionState.Open) return;
        await _writer.CloseAsync();
        await _writer.OpenAsync(ct);
        await ExecuteAsync(_writer, "SET synchronous_commit = on", ct);
    }

    private async Task<bool> StoredAsync(Block block)
    {
        await EnsureWriterAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand("SELECT hash FROM blocks WHERE height = $1", _writer);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)block.Height });
        return await cmd.ExecuteScalarAsync() is byte[] hash && hash.AsSpan().SequenceEqual(block.Hash.Span);
    }

    public Task AddSignaturesAsync(ulong height, IReadOnlyList<BlockSignature> signatures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        return AddSignaturesAsync(signatures.Select(s => (height, s)).ToList(), ct);
    }

    public async Task AddSignaturesAsync(IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        ThrowIfReadOnly();
        await _writeLock.WaitAsync(ct);
        try
        {
            foreach (var (height, _) in signatures)
                if (_head is null || height > _head.Height)
                    throw new ArgumentOutOfRangeException(nameof(signatures), height, $"no block {height} is stored to add signatures to");
            await EnsureWriterAsync(ct);
            // Idempotent, so a write on a connection the server dropped is made once more on a new one.
            try { await InsertSignaturesAsync(signatures); }
            catch (NpgsqlException) when (_writer!.State != System.Data.ConnectionState.Open)
            {
                await EnsureWriterAsync(CancellationToken.None);
                await InsertSignaturesAsync(signatures);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>One statement: the batch is written whole or not at all.</summary>
    private async Task InsertSignaturesAsync(IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO block_signatures (height, validator, signature) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) ON CONFLICT DO NOTHING", _writer);
        cmd.Parameters.Add(new NpgsqlParameter { Value = signatures.Select(s => (long)s.Height).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = signatures.Select(s => s.Signature.ValidatorKey).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = signatures.Select(s => s.Signature.Signature).ToArray() });
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private void ThrowIfReadOnly()
    {
        if (_snapshot is not null) throw new InvalidOperationException("this ledger store was opened read-only");
    }
}

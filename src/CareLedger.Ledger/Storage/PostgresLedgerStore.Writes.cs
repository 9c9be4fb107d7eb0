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
            _cache.BeginUpdate();
            try
            {
                await CommitBlockAsync(block, writes);
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
            // One statement: the batch is written whole or not at all.
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO block_signatures (height, validator, signature) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) ON CONFLICT DO NOTHING", _writer);
            cmd.Parameters.Add(new NpgsqlParameter { Value = signatures.Select(s => (long)s.Height).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = signatures.Select(s => s.Signature.ValidatorKey).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = signatures.Select(s => s.Signature.Signature).ToArray() });
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfReadOnly()
    {
        if (_snapshot is not null) throw new InvalidOperationException("this ledger store was opened read-only");
    }
}

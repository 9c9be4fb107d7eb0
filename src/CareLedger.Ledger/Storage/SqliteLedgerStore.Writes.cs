using CareLedger.Ledger.Blocks;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Writing: a block, its transaction index and its state writes in one SQLite transaction, committed with
/// one fsync (the durability point); late validator signatures beside the block. Both run under one write
/// lock, so the head cannot move under a signature write and the two connections never contend for SQLite's.
/// </summary>
public sealed partial class SqliteLedgerStore
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
            OnAppended();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes the block whole or not at all: no cancellation once the SQLite transaction has begun.</summary>
    private async Task CommitBlockAsync(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes)
    {
        await using var tx = await _connection.BeginTransactionAsync();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO blocks (height, hash, header, body) VALUES ($h, $hash, $header, $body)";
            cmd.Parameters.AddWithValue("$h", (long)block.Height);
            cmd.Parameters.AddWithValue("$hash", block.Hash.ToArray());
            cmd.Parameters.AddWithValue("$header", block.Header.Encode());
            cmd.Parameters.AddWithValue("$body", block.EncodeBody());
            await cmd.ExecuteNonQueryAsync();
        }
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "INSERT OR IGNORE INTO txs (id, height, idx) VALUES ($id, $h, $i)";
            var id = cmd.Parameters.Add("$id", SqliteType.Blob);
            cmd.Parameters.AddWithValue("$h", (long)block.Height);
            var idx = cmd.Parameters.Add("$i", SqliteType.Integer);
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                id.Value = block.Transactions[i].Id.ToArray();
                idx.Value = i;
                await cmd.ExecuteNonQueryAsync();
            }
        }
        using (var put = _connection.CreateCommand())
        using (var del = _connection.CreateCommand())
        {
            put.CommandText = "INSERT INTO state (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            var pk = put.Parameters.Add("$k", SqliteType.Text);
            var pv = put.Parameters.Add("$v", SqliteType.Blob);
            del.CommandText = "DELETE FROM state WHERE key = $k";
            var dk = del.Parameters.Add("$k", SqliteType.Text);
            foreach (var (key, value) in writes)
            {
                if (value is null) { dk.Value = key; await del.ExecuteNonQueryAsync(); }
                else { pk.Value = key; pv.Value = value; await put.ExecuteNonQueryAsync(); }
            }
        }
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
            // Once begun, the batch is written whole.
            await using var tx = await _signatureWriter!.BeginTransactionAsync(ct);
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
                await cmd.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
            OnAppended();
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

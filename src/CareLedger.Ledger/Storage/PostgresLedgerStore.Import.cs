using CareLedger.Ledger.Blocks;
using Npgsql;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Moving a node's ledger into PostgreSQL: every block as its stored bytes, the transaction index, the later
/// signatures and the state table, in one transaction, so an interrupted import leaves an empty database.
/// </summary>
public sealed partial class PostgresLedgerStore
{
    private const int ImportChunk = 256;

    /// <summary>Copies <paramref name="source"/> (best opened read-only, one snapshot) into the empty database <paramref name="connectionString"/> names.</summary>
    /// <returns>The number of blocks copied.</returns>
    /// <exception cref="InvalidOperationException">The target already holds blocks or state; nothing is written.</exception>
    public static async Task<ulong> ImportAsync(ILedgerStore source, string connectionString, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        // Creates and stamps the tables; refuses a ledger of another version.
        (await OpenAsync(connectionString, ct)).Dispose();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, "SET synchronous_commit = on", ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // No node may start on the database while it is being filled.
        await ExecuteAsync(connection, "LOCK TABLE blocks, txs, state, block_signatures IN ACCESS EXCLUSIVE MODE", ct);
        if (await ExistsAsync(connection, "SELECT EXISTS (SELECT 1 FROM blocks) OR EXISTS (SELECT 1 FROM state)", ct, tx))
            throw new InvalidOperationException($"the {Describe(connectionString)} already holds a ledger; migrate into an empty database");

        ulong copied = 0;
        var chunk = new List<(StoredBlock Stored, Block Block, List<BlockSignature> Later)>();
        await foreach (var stored in source.ReadBlocksAsync(ct: ct))
        {
            var block = Block.Decode(stored.Header, stored.Body);
            var withLater = await source.GetBlockAsync(stored.Height, ct) ?? throw new InvalidOperationException($"block {stored.Height} vanished from the source");
            chunk.Add((stored, block, [.. withLater.Signatures.Skip(block.Signatures.Count)]));
            if (chunk.Count == ImportChunk) copied += await CopyBlocksAsync(connection, tx, chunk, ct);
        }
        copied += await CopyBlocksAsync(connection, tx, chunk, ct);

        foreach (var page in source.Scan("").Chunk(4096))
        {
            await using var cmd = new NpgsqlCommand("INSERT INTO state (key, value) SELECT * FROM unnest($1::text[], $2::bytea[])", connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = page.Select(e => e.Key).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = page.Select(e => e.Value).ToArray() });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return copied;
    }

    private static async Task<ulong> CopyBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<(StoredBlock Stored, Block Block, List<BlockSignature> Later)> chunk, CancellationToken ct)
    {
        if (chunk.Count == 0) return 0;
        await using var batch = new NpgsqlBatch(connection, tx);
        var blocks = new NpgsqlBatchCommand("INSERT INTO blocks (height, hash, header, body) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[])");
        blocks.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(c => (long)c.Stored.Height).ToArray() });
        blocks.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(c => c.Block.Hash.ToArray()).ToArray() });
        blocks.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(c => c.Stored.Header).ToArray() });
        blocks.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(c => c.Stored.Body).ToArray() });
        batch.BatchCommands.Add(blocks);
        // As appending indexes them: a transaction id already indexed keeps its first place.
        var index = chunk.SelectMany(c => c.Block.Transactions.Select((t, i) => (Id: t.Id.ToArray(), Height: (long)c.Stored.Height, Index: i))).ToList();
        var txs = new NpgsqlBatchCommand("INSERT INTO txs (id, height, idx) SELECT id, height, idx FROM unnest($1::bytea[], $2::bigint[], $3::integer[]) WITH ORDINALITY AS t(id, height, idx, n) ORDER BY n ON CONFLICT (id) DO NOTHING");
        txs.Parameters.Add(new NpgsqlParameter { Value = index.Select(t => t.Id).ToArray() });
        txs.Parameters.Add(new NpgsqlParameter { Value = index.Select(t => t.Height).ToArray() });
        txs.Parameters.Add(new NpgsqlParameter { Value = index.Select(t => t.Index).ToArray() });
        batch.BatchCommands.Add(txs);
        var later = chunk.SelectMany(c => c.Later.Select(s => (Height: (long)c.Stored.Height, s.ValidatorKey, s.Signature))).ToList();
        var signatures = new NpgsqlBatchCommand("INSERT INTO block_signatures (height, validator, signature) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) ON CONFLICT DO NOTHING");
        signatures.Parameters.Add(new NpgsqlParameter { Value = later.Select(s => s.Height).ToArray() });
        signatures.Parameters.Add(new NpgsqlParameter { Value = later.Select(s => s.ValidatorKey).ToArray() });
        signatures.Parameters.Add(new NpgsqlParameter { Value = later.Select(s => s.Signature).ToArray() });
        batch.BatchCommands.Add(signatures);
        await batch.ExecuteNonQueryAsync(ct);
        var count = (ulong)chunk.Count;
        chunk.Clear();
        return count;
    }
}

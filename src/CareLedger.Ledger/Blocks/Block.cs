using System.Formats.Cbor;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Blocks;

/// <summary>
/// A block: its header, the transactions in order, each one's result, and validator signatures.
/// Block 0 carries the genesis document instead of transactions.
/// </summary>
public sealed record Block(BlockHeader Header, IReadOnlyList<Transaction> Transactions, IReadOnlyList<TxResult> Results, IReadOnlyList<BlockSignature> Signatures, byte[]? Genesis = null)
{
    public ulong Height => Header.Height;
    /// <summary>The header; setting it (also through <c>with { Header = … }</c>) recomputes <see cref="Hash"/>.</summary>
    public BlockHeader Header
    {
        get;
        init
        {
            field = value;
            Hash = value.Hash();
        }
    } = Header;

    /// <summary>SHA-256 of the header.</summary>
    public Hash256 Hash { get; private set; } = Header.Hash();

    /// <summary>How many of <paramref name="validators"/> signed this block with a signature that verifies.</summary>
    public int SignedBy(IReadOnlySet<AccountId> validators)
    {
        var hash = Hash;
        return Signatures.Where(s => validators.Contains(s.Validator) && s.Verify(hash)).Select(s => s.Validator).Distinct().Count();
    }

    /// <summary>Merkle leaves: each transaction bound to its result, or the genesis document for block 0.</summary>
    public static IReadOnlyList<Hash256> Leaves(IReadOnlyList<Transaction> txs, IReadOnlyList<TxResult> results, byte[]? genesis)
    {
        if (genesis is not null) return [MerkleTree.Leaf(genesis)];
        var leaves = new Hash256[txs.Count];
        for (var i = 0; i < txs.Count; i++) leaves[i] = TxResult.Leaf(txs[i].Id, results[i].Encode());
        return leaves;
    }

    /// <summary>Body encoding for storage: [genesis or null, [tx envelopes], [results], [[key, sig]...]].</summary>
    public byte[] EncodeBody()
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartArray(4);
        if (Genesis is null) writer.WriteNull(); else writer.WriteByteString(Genesis);
        writer.WriteStartArray(Transactions.Count);
        foreach (var tx in Transactions) writer.WriteByteString(tx.Encode());
        writer.WriteEndArray();
        writer.WriteStartArray(Results.Count);
        foreach (var r in Results) r.Write(writer);
        writer.WriteEndArray();
        writer.WriteStartArray(Signatures.Count);
        foreach (var s in Signatures)
        {
            writer.WriteStartArray(2);
            writer.WriteByteString(s.ValidatorKey);
            writer.WriteByteString(s.Signature);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>The whole block as one byte string, as replicated between nodes: [header, body].</summary>
    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartArray(2);
        writer.WriteByteString(Header.Encode());
        writer.WriteByteString(EncodeBody());
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Reads a block written by <see cref="Encode"/>. Throws <see cref="FormatException"/> on any damage.</summary>
    public static Block Decode(ReadOnlyMemory<byte> wire)
    {
        byte[] header, body;
        try
        {
            var reader = new CborReader(wire, CborConformanceMode.Lax);
            if (reader.ReadStartArray() != 2) throw new FormatException("a replicated block is [header, body]");
            header = reader.ReadByteString();
            body = reader.ReadByteString();
            reader.ReadEndArray();
            if (reader.BytesRemaining != 0) throw new FormatException("trailing bytes after the block");
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException)
        {
            throw new FormatException($"damaged block: {e.Message}", e);
        }
        return Decode(header, body);
    }

    /// <summary>Rebuilds a block from stored bytes. Throws <see cref="FormatException"/> on any damage.</summary>
    public static Block Decode(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> body)
    {
        try
        {
            var h = BlockHeader.Decode(header);
            var reader = new CborReader(body, CborConformanceMode.Lax);
            reader.ReadStartArray();
            byte[]? genesis = null;
            if (reader.PeekState() == CborReaderState.Null) reader.ReadNull(); else genesis = reader.ReadByteString();
            var txCount = reader.ReadStartArray() ?? 0;
            var txs = new List<Transaction>(txCount);
            for (var i = 0; i < txCount; i++)
            {
                if (!Transaction.TryDecode(reader.ReadByteString(), out var tx, out var error))
                    throw new FormatException($"transaction {i}: {error}");
                txs.Add(tx!);
            }
            reader.ReadEndArray();
            var resultCount = reader.ReadStartArray() ?? 0;
            var results = new List<TxResult>(resultCount);
            for (var i = 0; i < resultCount; i++) results.Add(TxResult.Read(reader));
            reader.ReadEndArray();
            var sigCount = reader.ReadStartArray() ?? 0;
            var sigs = new List<BlockSignature>(sigCount);
            for (var i = 0; i < sigCount; i++)
            {
                reader.ReadStartArray();
                sigs.Add(new BlockSignature(reader.ReadByteString(), reader.ReadByteString()));
                reader.ReadEndArray();
            }
            reader.ReadEndArray();
            reader.ReadEndArray();
            return new Block(h, txs, results, sigs, genesis);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or ArgumentException or OverflowException or Encoding.CborMapException)
        {
            throw new FormatException($"damaged block: {e.Message}", e);
        }
    }
}

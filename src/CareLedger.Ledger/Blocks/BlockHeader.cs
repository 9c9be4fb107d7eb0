using System.Formats.Cbor;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Blocks;

/// <summary>
/// A block header: canonical CBOR array [height, previous hash, transactions root, state root,
/// time (Unix ms), proposer]. The block hash is SHA-256 of that encoding; validators sign it.
/// </summary>
public sealed record BlockHeader(ulong Height, Hash256 PreviousHash, Hash256 TransactionsRoot, Hash256 StateRoot, long Time, AccountId Proposer)
{
    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(6);
        writer.WriteUInt64(Height);
        writer.WriteByteString(PreviousHash.Span);
        writer.WriteByteString(TransactionsRoot.Span);
        writer.WriteByteString(StateRoot.Span);
        writer.WriteInt64(Time);
        writer.WriteByteString(Proposer.Hash.Span);
        writer.WriteEndArray();
        return writer.Encode();
    }

    public Hash256 Hash() => Hash256.Of(Encode());

    public static BlockHeader Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new CborReader(bytes, CborConformanceMode.Canonical);
        if (reader.ReadStartArray() != 6) throw new FormatException("a block header has 6 fields");
        var header = new BlockHeader(
            reader.ReadUInt64(),
            new Hash256(reader.ReadByteString()),
            new Hash256(reader.ReadByteString()),
            new Hash256(reader.ReadByteString()),
            reader.ReadInt64(),
            new AccountId(new Hash256(reader.ReadByteString())));
        reader.ReadEndArray();
        if (reader.BytesRemaining != 0) throw new FormatException("trailing bytes after the header");
        return header;
    }
}

/// <summary>A validator's signature over a block hash.</summary>
public sealed record BlockSignature(byte[] ValidatorKey, byte[] Signature)
{
    public AccountId Validator => AccountId.FromPublicKey(ValidatorKey);
    public bool Verify(Hash256 blockHash) => SignatureVerifier.Verify(ValidatorKey, blockHash, Signature);
}

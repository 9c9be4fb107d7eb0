using System.Formats.Cbor;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Blocks;

/// <summary>
/// A block header: canonical CBOR array [height, previous hash, transactions root, state root, directory root,
/// time (Unix ms), proposer]. The block hash is SHA-256 of that encoding; validators sign it. The directory root
/// commits to the complete content of the lists clients must not take on a node's word (<see cref="State.StateDirectory"/>).
/// </summary>
public sealed record BlockHeader(ulong Height, Hash256 PreviousHash, Hash256 TransactionsRoot, Hash256 StateRoot, Hash256 DirectoryRoot, long Time, AccountId Proposer)
{
    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(Fields);
        writer.WriteUInt64(Height);
        writer.WriteByteString(PreviousHash.Span);
        writer.WriteByteString(TransactionsRoot.Span);
        writer.WriteByteString(StateRoot.Span);
        writer.WriteByteString(DirectoryRoot.Span);
        writer.WriteInt64(Time);
        writer.WriteByteString(Proposer.Hash.Span);
        writer.WriteEndArray();
        return writer.Encode();
    }

    private const int Fields = 7;

    public Hash256 Hash() => Hash256.Of(Encode());

    public static BlockHeader Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new CborReader(bytes, CborConformanceMode.Canonical);
        if (reader.ReadStartArray() != Fields) throw new FormatException($"a block header has {Fields} fields");
        var header = new BlockHeader(
            reader.ReadUInt64(),
            new Hash256(reader.ReadByteString()),
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

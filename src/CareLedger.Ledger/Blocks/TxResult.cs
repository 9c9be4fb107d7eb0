using System.Formats.Cbor;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Blocks;

/// <summary>An event a contract emitted while applying a transaction.</summary>
public sealed record ContractEvent(string Contract, string Name, CborMap Attributes);

/// <summary>The outcome of one transaction in a block: valid with its events, or invalid with a reason and no effects.</summary>
public sealed record TxResult(bool Valid, string? Reason, IReadOnlyList<ContractEvent> Events)
{
    public static TxResult Invalid(string reason) => new(false, reason, []);

    /// <summary>Canonical CBOR: [valid, reason or "", [[contract, name, attributes], ...]].</summary>
    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        Write(writer);
        return writer.Encode();
    }

    internal void Write(CborWriter writer)
    {
        writer.WriteStartArray(3);
        writer.WriteBoolean(Valid);
        writer.WriteTextString(Reason ?? "");
        writer.WriteStartArray(Events.Count);
        foreach (var e in Events)
        {
            writer.WriteStartArray(3);
            writer.WriteTextString(e.Contract);
            writer.WriteTextString(e.Name);
            CborMap.Write(writer, e.Attributes);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndArray();
    }

    internal static TxResult Read(CborReader reader)
    {
        reader.ReadStartArray();
        var valid = reader.ReadBoolean();
        var reason = reader.ReadTextString();
        var count = reader.ReadStartArray() ?? 0;
        var events = new List<ContractEvent>(count);
        for (var i = 0; i < count; i++)
        {
            reader.ReadStartArray();
            var contract = reader.ReadTextString();
            var name = reader.ReadTextString();
            var attrs = CborMap.ReadMap(reader, 0);
            reader.ReadEndArray();
            events.Add(new ContractEvent(contract, name, attrs));
        }
        reader.ReadEndArray();
        reader.ReadEndArray();
        return new TxResult(valid, valid ? null : reason, events);
    }

    public static TxResult Decode(ReadOnlyMemory<byte> bytes) => Read(new CborReader(bytes, CborConformanceMode.Canonical));

    /// <summary>The Merkle leaf of a transaction with its result: H(0x00 || txId || H(result)).</summary>
    public static Hash256 Leaf(Hash256 txId, ReadOnlySpan<byte> encodedResult) =>
        Hash256.Tagged(MerkleTree.LeafTag, txId.Span, Hash256.Of(encodedResult).Span);
}

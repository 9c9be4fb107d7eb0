using System.Formats.Cbor;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.State;

/// <summary>
/// The state commitment chains every block's write set: root(h) = H(0x02 || root(h-1) || H(writes(h))),
/// where writes(h) is the canonical CBOR array of [key, value or null] in ordinal key order.
/// Replaying the blocks from genesis therefore reproduces every root exactly.
/// </summary>
public static class StateCommitment
{
    public const byte Tag = 0x02;

    public static Hash256 Next(Hash256 previous, IReadOnlyList<KeyValuePair<string, byte[]?>> sortedWrites)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(sortedWrites.Count);
        foreach (var (key, value) in sortedWrites)
        {
            writer.WriteStartArray(2);
            writer.WriteTextString(key);
            if (value is null) writer.WriteNull(); else writer.WriteByteString(value);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        return Hash256.Tagged(Tag, previous.Span, Hash256.Of(writer.Encode()).Span);
    }
}

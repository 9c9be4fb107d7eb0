namespace CareLedger.Ledger.Encoding;

/// <summary>
/// A value with one canonical CBOR encoding: a <see cref="CborMap"/> whose field names appear in
/// this type's codec and nowhere else. Contract state, query answers and the arguments of busy
/// actions are such records, shared by the contracts, the node, the CLI and the SDK.
/// <see cref="FromCbor"/> is strict: it reads fields through <see cref="CborFields"/>, so a missing,
/// mistyped or unknown field is a <see cref="CborMapException"/>, never a silent default.
/// </summary>
public interface ICborRecord<TSelf> where TSelf : ICborRecord<TSelf>
{
    CborMap ToCbor();

    static abstract TSelf FromCbor(CborMap map);
}

/// <summary>Bytes and lists of <see cref="ICborRecord{TSelf}"/> values.</summary>
public static class CborRecord
{
    public static byte[] Encode<T>(T value) where T : ICborRecord<T> => value.ToCbor().Encode();

    public static T Decode<T>(ReadOnlyMemory<byte> bytes) where T : ICborRecord<T> => T.FromCbor(CborMap.Decode(bytes));

    /// <summary>A CBOR list of the records' maps, in the given order.</summary>
    public static List<object> List<T>(IEnumerable<T> values) where T : ICborRecord<T> => [.. values.Select(v => (object)v.ToCbor())];

    /// <summary>A CBOR map from names (such as account ids) to the records' maps.</summary>
    public static CborMap Map<T>(IEnumerable<KeyValuePair<string, T>> entries) where T : ICborRecord<T>
    {
        var map = new CborMap();
        foreach (var (name, value) in entries) map.Add(name, value.ToCbor());
        return map;
    }
}

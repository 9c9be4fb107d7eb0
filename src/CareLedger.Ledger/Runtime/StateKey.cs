using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// The key of a state entry holding a <typeparamref name="T"/>. Record types make their own keys
/// (<c>Balance.Key(asset, account)</c>), so no caller concatenates key strings and no key is read
/// as the wrong record.
/// </summary>
public readonly record struct StateKey<T>(string Value) where T : class, ICborRecord<T>
{
    public override string ToString() => Value;
}

/// <summary>The prefix shared by the keys of a set of <typeparamref name="T"/> entries, in ordinal key order when scanned.</summary>
public readonly record struct StatePrefix<T>(string Value) where T : class, ICborRecord<T>
{
    public override string ToString() => Value;
}

public static class StateKeys
{
    /// <summary>The last segment of a key: the id an index entry such as "records/patient/{patient}/{record}" points at.</summary>
    public static string LastSegment(string key) => key[(key.LastIndexOf('/') + 1)..];
}

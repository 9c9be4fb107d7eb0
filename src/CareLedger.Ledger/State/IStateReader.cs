namespace CareLedger.Ledger.State;

/// <summary>Read access to the world state: keys are text, values are bytes, scans are in ordinal key order.</summary>
public interface IStateReader
{
    byte[]? Get(string key);

    /// <summary>Every entry whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix);

    /// <summary>
    /// One page of <see cref="Scan(string)"/>: at most <paramref name="limit"/> entries whose key starts with
    /// <paramref name="prefix"/> and sorts after <paramref name="after"/> (null: from the first), in ordinal key
    /// order. A page shorter than the limit is the last; otherwise its last key is the next page's <paramref name="after"/>.
    /// A store reads no more than the page.
    /// </summary>
    IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit);
}

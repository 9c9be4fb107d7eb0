namespace CareLedger.Ledger.Encoding;

/// <summary>
/// A map's entries in canonical CBOR key order (RFC 7049 §3.9, as <c>CborConformanceMode.Canonical</c>
/// checks it: shorter encoded keys first, then bytewise, which for text keys is the UTF-8 length,
/// then the UTF-8 bytes). Entries are decoded and encoded in this order, so neither has to sort;
/// maps are small, so a sorted list searched by halves beats a tree.
/// </summary>
internal sealed class CanonicalEntries
{
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public IEnumerable<KeyValuePair<string, object>> InCanonicalOrder => _entries.Select(e => new KeyValuePair<string, object>(e.Key, e.Value));

    public KeyValuePair<string, object>[] InOrdinalOrder()
    {
        var pairs = InCanonicalOrder.ToArray();
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return pairs;
    }

    public bool TryGetValue(string key, out object value)
    {
        var i = IndexOf(key, Utf8Length(key));
        value = i >= 0 ? _entries[i].Value : null!;
        return i >= 0;
    }

    /// <summary>Adds or replaces the key's value; false (and no change) when it is there and <paramref name="replace"/> is false.</summary>
    public bool Set(string key, object value, bool replace)
    {
        var length = Utf8Length(key);
        var i = IndexOf(key, length);
        if (i < 0) _entries.Insert(~i, new(key, value, length));
        else if (replace) _entries[i] = new(key, value, length);
        return i < 0 || replace;
    }

    public void Remove(string key)
    {
        var i = IndexOf(key, Utf8Length(key));
        if (i >= 0) _entries.RemoveAt(i);
    }

    /// <summary>Appends an entry that a canonical reader has just read, which is therefore already in order.</summary>
    public void AppendInOrder(string key, object value) => _entries.Add(new(key, value, Utf8Length(key)));

    private int IndexOf(string key, int length)
    {
        int lo = 0, hi = _entries.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + (hi - lo) / 2;
            var cmp = Compare(_entries[mid], key, length);
            if (cmp == 0) return mid;
            if (cmp < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    private static int Compare(Entry entry, string key, int length)
    {
        if (entry.Length != length) return entry.Length.CompareTo(length);
        // Keys whose UTF-8 length is their length in characters are ASCII, where ordinal order is bytewise order.
        if (length == entry.Key.Length && length == key.Length) return string.CompareOrdinal(entry.Key, key);
        return System.Text.Encoding.UTF8.GetBytes(entry.Key).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(key));
    }

    private static int Utf8Length(string key) => System.Text.Encoding.UTF8.GetByteCount(key);

    private readonly record struct Entry(string Key, object Value, int Length);
}

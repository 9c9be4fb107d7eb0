using CareLedger.Ledger.State;

namespace CareLedger.Contracts.Tests.Support;

/// <summary>
/// Counts the state entries a reader hands out, by the prefix or key asked for, reading as the SQLite store does:
/// a whole-prefix scan reads its whole range at once, a page reads the page, a get reads one entry.
/// </summary>
public sealed class CountedReads(IStateReader inner) : IStateReader
{
    private readonly Dictionary<string, long> _byPrefix = new(StringComparer.Ordinal);

    /// <summary>Every entry read so far: found by a get or returned by a scan.</summary>
    public long Total { get; private set; }

    /// <summary>Entries read by scans and gets whose prefix or key starts with <paramref name="prefix"/>.</summary>
    public long Under(string prefix) => _byPrefix.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(e => e.Value);

    public void Reset()
    {
        _byPrefix.Clear();
        Total = 0;
    }

    public byte[]? Get(string key)
    {
        var value = inner.Get(key);
        Count(key, value is null ? 0 : 1);
        return value;
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix)
    {
        var all = inner.Scan(prefix).ToList();
        Count(prefix, all.Count);
        return all;
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit)
    {
        var page = inner.Scan(prefix, after, limit);
        Count(prefix, page.Count);
        return page;
    }

    private void Count(string prefixOrKey, int entries)
    {
        _byPrefix[prefixOrKey] = _byPrefix.GetValueOrDefault(prefixOrKey) + entries;
        Total += entries;
    }
}

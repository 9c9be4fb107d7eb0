namespace CareLedger.Ledger.State;

/// <summary>A world state held in memory: used to replay a chain independently of any store.</summary>
public sealed class MemoryState : IStateReader
{
    private readonly SortedDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public byte[]? Get(string key) => _entries.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix) =>
        _entries.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal));

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return Scan(prefix).Where(e => after is null || string.CompareOrdinal(e.Key, after) > 0).Take(limit).ToList();
    }

    public void Apply(IEnumerable<KeyValuePair<string, byte[]?>> writes)
    {
        foreach (var (key, value) in writes)
        {
            if (value is null) _entries.Remove(key); else _entries[key] = value;
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> All() => _entries;
}

namespace CareLedger.Ledger.State;

/// <summary>
/// Uncommitted writes layered over a reader. A transaction writes into its own overlay, which is
/// merged into the block's overlay only if the transaction succeeds, so nothing half-applies.
/// </summary>
public sealed class StateOverlay(IStateReader parent) : IStateReader
{
    private readonly Dictionary<string, byte[]?> _writes = new(StringComparer.Ordinal);

    public int Count => _writes.Count;

    public byte[]? Get(string key) => _writes.TryGetValue(key, out var v) ? v : parent.Get(key);

    public void Set(string key, byte[] value) => _writes[key] = value;

    public void Delete(string key) => _writes[key] = null;

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix)
    {
        var mine = _writes.Where(w => w.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
        using var below = parent.Scan(prefix).GetEnumerator();
        var hasBelow = below.MoveNext();
        var i = 0;
        while (hasBelow || i < mine.Count)
        {
            var cmp = !hasBelow ? 1 : i >= mine.Count ? -1 : string.CompareOrdinal(below.Current.Key, mine[i].Key);
            if (cmp < 0) { yield return below.Current; hasBelow = below.MoveNext(); continue; }
            if (cmp == 0) hasBelow = below.MoveNext();
            if (mine[i].Value is { } value) yield return new(mine[i].Key, value);
            i++;
        }
    }

    /// <summary>Moves these writes into the overlay below.</summary>
    public void MergeInto(StateOverlay target)
    {
        foreach (var (key, value) in _writes) target._writes[key] = value;
        _writes.Clear();
    }

    /// <summary>The writes in ordinal key order; a null value is a deletion.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]?>> SortedWrites() =>
        _writes.OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
}

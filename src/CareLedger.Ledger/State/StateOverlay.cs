namespace CareLedger.Ledger.State;

/// <summary>
/// Uncommitted writes layered over a reader. A transaction writes into its own overlay, which is
/// merged into the block's overlay only if the transaction succeeds, so nothing half-applies.
/// </summary>
public sealed class StateOverlay(IStateReader parent) : IStateReader
{
    private readonly Dictionary<string, byte[]?> _writes = new(StringComparer.Ordinal);

    public int Count => _writes.Count;

    /// <summary>The keys written or deleted so far, in no particular order.</summary>
    public IEnumerable<string> WrittenKeys => _writes.Keys;

    public byte[]? Get(string key) => _writes.TryGetValue(key, out var v) ? v : parent.Get(key);

    public void Set(string key, byte[] value) => _writes[key] = value;

    public void Delete(string key) => _writes[key] = null;

    public IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix) => Merge(prefix, null, parent.Scan(prefix));

    /// <summary>
    /// A page of this overlay's view: the parent is read page by page, just far enough to fill the
    /// limit after this overlay's deletions, so a page over a large range reads about a page.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return Merge(prefix, after, ParentPages(prefix, after, limit)).Take(limit).ToList();
    }

    private IEnumerable<KeyValuePair<string, byte[]>> ParentPages(string prefix, string? after, int pageSize)
    {
        while (true)
        {
            var page = parent.Scan(prefix, after, pageSize);
            foreach (var entry in page) yield return entry;
            if (page.Count < pageSize) yield break;
            after = page[^1].Key;
        }
    }

    /// <summary>This overlay's writes after <paramref name="after"/> merged, in key order, into <paramref name="below"/>'s entries.</summary>
    private IEnumerable<KeyValuePair<string, byte[]>> Merge(string prefix, string? after, IEnumerable<KeyValuePair<string, byte[]>> below)
    {
        var mine = _writes.Where(w => w.Key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(w.Key, after) > 0))
            .OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
        using var parentEntries = below.GetEnumerator();
        var hasBelow = parentEntries.MoveNext();
        var i = 0;
        while (hasBelow || i < mine.Count)
        {
            var cmp = !hasBelow ? 1 : i >= mine.Count ? -1 : string.CompareOrdinal(parentEntries.Current.Key, mine[i].Key);
            if (cmp < 0) { yield return parentEntries.Current; hasBelow = parentEntries.MoveNext(); continue; }
            if (cmp == 0) hasBelow = parentEntries.MoveNext();
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

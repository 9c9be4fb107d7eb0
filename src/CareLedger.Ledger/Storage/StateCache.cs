using System.Collections.Concurrent;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Committed state values kept in memory, including "no such key", so the hot path (admission
/// checks, block execution, API reads) rarely touches SQLite. Writers bracket each block commit
/// with <see cref="BeginUpdate"/> and <see cref="EndUpdate"/>, a sequence lock: a reader that
/// loaded a value from SQLite caches it only if no commit started or ended meanwhile, so a value
/// read before a commit can never be cached after it.
/// </summary>
internal sealed class StateCache(int capacity)
{
    private static readonly byte[] Absent = [];
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private long _sequence;

    public byte[]? Get(string key, Func<string, byte[]?> load)
    {
        if (_values.TryGetValue(key, out var cached)) return ReferenceEquals(cached, Absent) ? null : cached;
        var before = Volatile.Read(ref _sequence);
        var value = load(key);
        if ((before & 1) == 0 && Volatile.Read(ref _sequence) == before)
        {
            if (_values.Count >= capacity) _values.Clear();
            _values.TryAdd(key, value ?? Absent);
        }
        return value;
    }

    public void BeginUpdate() => Interlocked.Increment(ref _sequence);

    public void Apply(IEnumerable<KeyValuePair<string, byte[]?>> writes)
    {
        foreach (var (key, value) in writes) _values[key] = value ?? Absent;
    }

    public void EndUpdate() => Interlocked.Increment(ref _sequence);
}

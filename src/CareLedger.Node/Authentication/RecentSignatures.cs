using System.Collections.Concurrent;

namespace CareLedger.Node.Authentication;

/// <summary>
/// Signatures seen within the clock-skew window, so a captured request cannot be replayed (to add
/// reads to a patient's log, say). A genuine signature is never sent twice. Bounded: when full, a
/// request is refused rather than the oldest entry forgotten, so the bound can never open a replay.
/// </summary>
public sealed class RecentSignatures(TimeProvider clock)
{
    public const long WindowMs = 5 * 60 * 1000;
    public const int Capacity = 1_000_000;
    private readonly ConcurrentDictionary<string, long> _seen = new();
    private long _nextSweep;

    /// <summary>False when the signature was used before, or the cache is full of live signatures.</summary>
    public bool TryUse(byte[] signature)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now > Volatile.Read(ref _nextSweep) || _seen.Count >= Capacity)
        {
            Volatile.Write(ref _nextSweep, now + WindowMs / 10);
            foreach (var (sig, at) in _seen)
                if (at < now - 2 * WindowMs) _seen.TryRemove(sig, out _);
        }
        return _seen.Count < Capacity && _seen.TryAdd(Convert.ToBase64String(signature), now);
    }
}

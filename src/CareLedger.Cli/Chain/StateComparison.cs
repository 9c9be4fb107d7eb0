using CareLedger.Ledger.State;

namespace CareLedger.Cli.Chain;

/// <summary>Compares a node's stored world state with the state replayed from its blocks.</summary>
public static class StateComparison
{
    /// <summary>Why the stored state differs from the replayed one, naming the first key in ordinal order; null when they agree.</summary>
    public static string? FirstDifference(MemoryState replayed, IEnumerable<KeyValuePair<string, byte[]>> stored)
    {
        var remaining = stored.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        foreach (var (key, value) in replayed.All())
        {
            if (!remaining.Remove(key, out var storedValue)) return $"'{key}' is missing from the stored state";
            if (!storedValue.AsSpan().SequenceEqual(value)) return $"the stored value of '{key}' differs from the replayed one";
        }
        var extra = remaining.Keys.Order(StringComparer.Ordinal).FirstOrDefault();
        return extra is null ? null : $"'{extra}' is stored but no block wrote it";
    }
}

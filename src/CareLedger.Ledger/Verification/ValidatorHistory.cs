using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Verification;

/// <summary>
/// The validator set height by height, followed as blocks are applied: read from state once, and
/// again only after a block that writes to it. Remembers every set since it started, so a signature
/// over block <c>h</c> is judged by the set that signs block <c>h</c>, not by today's.
/// Applying is for one thread; <see cref="At"/> and <see cref="Next"/> are safe from any thread.
/// </summary>
public sealed class ValidatorHistory
{
    private readonly IValidatorSet _source;
    private volatile Entry[] _entries;

    /// <param name="source">Where the chain keeps its set.</param>
    /// <param name="nextHeight">The first height this history knows the set of.</param>
    /// <param name="set">The set that signs <paramref name="nextHeight"/>.</param>
    public ValidatorHistory(IValidatorSet source, ulong nextHeight, IReadOnlySet<AccountId> set)
    {
        _source = source;
        _entries = [new Entry(nextHeight, set)];
    }

    /// <summary>Starts from a store's state: the set that signs the block after its head.</summary>
    public static ValidatorHistory FromState(IValidatorSet source, ulong nextHeight, IStateReader state) => new(source, nextHeight, source.Read(state));

    /// <summary>The set that signs the next block.</summary>
    public IReadOnlySet<AccountId> Next => _entries[^1].Set;

    /// <summary>The set that signs block <paramref name="height"/>; null for a height before this history started.</summary>
    public IReadOnlySet<AccountId>? At(ulong height)
    {
        var entries = _entries;
        for (var i = entries.Length - 1; i >= 0; i--)
            if (entries[i].From <= height) return entries[i].Set;
        return null;
    }

    /// <summary>After block <paramref name="height"/> is applied: if it wrote to the set, the set that <paramref name="state"/> now records signs from the next height on.</summary>
    public void OnApplied(ulong height, IReadOnlyList<KeyValuePair<string, byte[]?>> writes, IStateReader state)
    {
        if (!writes.Any(w => _source.Covers(w.Key))) return;
        var set = _source.Read(state);
        if (!set.SetEquals(Next)) _entries = [.. _entries, new Entry(height + 1, set)];
    }

    private sealed record Entry(ulong From, IReadOnlySet<AccountId> Set);
}

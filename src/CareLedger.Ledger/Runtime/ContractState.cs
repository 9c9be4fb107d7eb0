using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// A contract's view of the state, in records: each value is an <see cref="ICborRecord{TSelf}"/>
/// under a <see cref="StateKey{T}"/> its record type makes. It reads any key but writes only under
/// its own namespace ("contract/..."), so one contract cannot change another's records — unless
/// that other contract names it among its <see cref="IContract.TrustedCallers"/>, in which case
/// <see cref="Of"/> hands out a view that writes there, into the same pending writes.
/// </summary>
public sealed class ContractState(IStateReader reader, StateOverlay? writes, string ns, IReadOnlyList<string>? trustedBy = null)
{
    /// <summary>The namespace this view writes: its contract's name.</summary>
    public string Namespace => ns;

    public T? Get<T>(StateKey<T> key) where T : class, ICborRecord<T> =>
        reader.Get(key.Value) is { } bytes ? CborRecord.Decode<T>(bytes) : null;

    /// <summary>Whether the key holds a value; cheaper than <see cref="Get{T}"/> as nothing is decoded.</summary>
    public bool Contains<T>(StateKey<T> key) where T : class, ICborRecord<T> => reader.Get(key.Value) is not null;

    public IEnumerable<(string Key, T Value)> Scan<T>(StatePrefix<T> prefix) where T : class, ICborRecord<T> =>
        reader.Scan(prefix.Value).Select(e => (e.Key, CborRecord.Decode<T>(e.Value)));

    public void Put<T>(StateKey<T> key, T value) where T : class, ICborRecord<T> => Writable(key.Value).Set(key.Value, CborRecord.Encode(value));

    public void Delete<T>(StateKey<T> key) where T : class, ICborRecord<T> => Delete(key.Value);

    /// <summary>Untyped read, for callers not yet converted to records (the node, the CLI); contracts use <see cref="Get{T}"/>.</summary>
    public CborMap? Get(string key) => reader.Get(key) is { } bytes ? CborMap.Decode(bytes) : null;

    /// <summary>Untyped scan, for callers not yet converted to records; contracts use <see cref="Scan{T}"/>.</summary>
    public IEnumerable<(string Key, CborMap Value)> Scan(string prefix) =>
        reader.Scan(prefix).Select(e => (e.Key, CborMap.Decode(e.Value)));

    /// <summary>Untyped write, for callers not yet converted to records; contracts use <see cref="Put{T}"/>.</summary>
    public void Put(string key, CborMap value) => Writable(key).Set(key, value.Encode());

    public void Delete(string key) => Writable(key).Delete(key);

    /// <summary>
    /// The view of another contract that trusts this one, sharing this view's pending writes: what
    /// it writes commits or is discarded with the calling transaction. The returned view cannot
    /// reach further, so trust is never passed on.
    /// </summary>
    public ContractState Of(string contract)
    {
        if (contract == ns) return this;
        if (trustedBy is null || !trustedBy.Contains(contract))
            throw new InvalidOperationException($"contract '{ns}' is not trusted to write '{contract}'");
        return new ContractState(reader, writes, contract);
    }

    private StateOverlay Writable(string key)
    {
        if (writes is null) throw new InvalidOperationException("queries cannot write state");
        if (!key.StartsWith(ns + "/", StringComparison.Ordinal))
            throw new InvalidOperationException($"contract '{ns}' may not write '{key}'");
        // SQLite orders text by UTF-8 bytes and .NET by UTF-16 units; they agree on ASCII only.
        if (key.Any(c => c is < ' ' or > '~')) throw new InvalidOperationException("state keys are printable ASCII");
        return writes;
    }
}

using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// A contract's view of the state, in records: each value is an <see cref="ICborRecord{TSelf}"/>
/// under a <see cref="StateKey{T}"/> its record type makes. It reads any key but writes only under
/// its own namespace ("contract/..."), so one contract cannot change another's records — unless
/// that other contract names it among its <see cref="IContract.TrustedCallers"/>, in which case
/// <see cref="Of"/> hands out a view that writes there, into the same pending writes.
/// Records are immutable and their encoding is canonical, so the record decoded from some bytes
/// serves every later read that finds the same bytes under the key, without decoding them again.
/// </summary>
public sealed class ContractState
{
    private readonly IStateReader _reader;
    private readonly StateOverlay? _writes;
    private readonly string _ns;
    private readonly IReadOnlyList<string>? _trustedBy;
    private readonly Dictionary<string, (byte[] Bytes, object Record)> _records;

    public ContractState(IStateReader reader, StateOverlay? writes, string ns, IReadOnlyList<string>? trustedBy = null)
        : this(reader, writes, ns, trustedBy, new(StringComparer.Ordinal))
    {
    }

    private ContractState(IStateReader reader, StateOverlay? writes, string ns, IReadOnlyList<string>? trustedBy, Dictionary<string, (byte[], object)> records)
    {
        _reader = reader;
        _writes = writes;
        _ns = ns;
        _trustedBy = trustedBy;
        _records = records;
    }

    /// <summary>The namespace this view writes: its contract's name.</summary>
    public string Namespace => _ns;

    public T? Get<T>(StateKey<T> key) where T : class, ICborRecord<T>
    {
        if (_reader.Get(key.Value) is not { } bytes) return null;
        if (_records.TryGetValue(key.Value, out var known) && known.Record is T record
            && (ReferenceEquals(known.Bytes, bytes) || known.Bytes.AsSpan().SequenceEqual(bytes)))
            return record;
        var value = CborRecord.Decode<T>(bytes);
        _records[key.Value] = (bytes, value);
        return value;
    }

    /// <summary>Whether the key holds a value; nothing is decoded.</summary>
    public bool Contains<T>(StateKey<T> key) where T : class, ICborRecord<T> => _reader.Get(key.Value) is not null;

    public IEnumerable<(string Key, T Value)> Scan<T>(StatePrefix<T> prefix) where T : class, ICborRecord<T> =>
        _reader.Scan(prefix.Value).Select(e => (e.Key, CborRecord.Decode<T>(e.Value)));

    /// <summary>One page of <see cref="Scan{T}(StatePrefix{T})"/>: at most <paramref name="limit"/> entries after the key <paramref name="after"/> (null: from the first).</summary>
    public IReadOnlyList<(string Key, T Value)> Scan<T>(StatePrefix<T> prefix, string? after, int limit) where T : class, ICborRecord<T> =>
        [.. _reader.Scan(prefix.Value, after, limit).Select(e => (e.Key, CborRecord.Decode<T>(e.Value)))];

    /// <summary>
    /// <see cref="Scan{T}(StatePrefix{T})"/> read lazily, <paramref name="pageSize"/> entries at a time, so a caller that
    /// stops early (a time-ordered index read up to now) reads no further than the page it stopped in; it starts after the
    /// key <paramref name="after"/> (null: from the first).
    /// </summary>
    public IEnumerable<(string Key, T Value)> ScanInPages<T>(StatePrefix<T> prefix, int pageSize, string? after = null) where T : class, ICborRecord<T>
    {
        while (true)
        {
            var page = Scan(prefix, after, pageSize);
            foreach (var entry in page) yield return entry;
            if (page.Count < pageSize) yield break;
            after = page[^1].Key;
        }
    }

    public void Put<T>(StateKey<T> key, T value) where T : class, ICborRecord<T>
    {
        var bytes = CborRecord.Encode(value);
        Writable(key.Value).Set(key.Value, bytes);
        _records[key.Value] = (bytes, value);
    }

    public void Delete<T>(StateKey<T> key) where T : class, ICborRecord<T> => Delete(key.Value);

    /// <summary>Untyped read, for callers not yet converted to records (the node, the CLI); contracts use <see cref="Get{T}"/>.</summary>
    public CborMap? Get(string key) => _reader.Get(key) is { } bytes ? CborMap.Decode(bytes) : null;

    /// <summary>Untyped scan, for callers not yet converted to records; contracts use <see cref="Scan{T}"/>.</summary>
    public IEnumerable<(string Key, CborMap Value)> Scan(string prefix) =>
        _reader.Scan(prefix).Select(e => (e.Key, CborMap.Decode(e.Value)));

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
        if (contract == _ns) return this;
        if (_trustedBy is null || !_trustedBy.Contains(contract))
            throw new InvalidOperationException($"contract '{_ns}' is not trusted to write '{contract}'");
        return new ContractState(_reader, _writes, contract, null, _records);
    }

    private StateOverlay Writable(string key)
    {
        if (_writes is null) throw new InvalidOperationException("queries cannot write state");
        if (!key.StartsWith(_ns + "/", StringComparison.Ordinal))
            throw new InvalidOperationException($"contract '{_ns}' may not write '{key}'");
        // SQLite orders text by UTF-8 bytes and .NET by UTF-16 units; they agree on ASCII only.
        if (key.Any(c => c is < ' ' or > '~')) throw new InvalidOperationException("state keys are printable ASCII");
        return _writes;
    }
}

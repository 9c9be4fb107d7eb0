using System.Collections;
using System.Formats.Cbor;

namespace CareLedger.Ledger.Encoding;

/// <summary>
/// A map of text keys to values, encoded as canonical CBOR. Values are text, 64-bit integers,
/// booleans, byte strings, lists of values and nested maps: nothing else, so every encoding is
/// deterministic. Used for transaction arguments, contract state and events.
/// </summary>
public sealed class CborMap : IEnumerable<KeyValuePair<string, object>>
{
    public const int MaxDepth = 8;
    private readonly CanonicalEntries _items = new();

    public int Count => _items.Count;
    public IEnumerable<string> Keys => _items.InOrdinalOrder().Select(e => e.Key);

    public object this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not in the map");
        set => _items.Set(key, CheckValue(value, 0), replace: true);
    }

    public bool ContainsKey(string key) => _items.TryGetValue(key, out _);
    public bool TryGetValue(string key, out object value) => _items.TryGetValue(key, out value);
    public void Remove(string key) => _items.Remove(key);

    public void Add(string key, object value)
    {
        if (!_items.Set(key, CheckValue(value, 0), replace: false)) throw new ArgumentException($"'{key}' is already in the map", nameof(key));
    }

    public string GetText(string key) => Get<string>(key, "text");
    public long GetInt(string key) => Get<long>(key, "integer");
    public bool GetBool(string key) => Get<bool>(key, "boolean");
    public byte[] GetBytes(string key) => Get<byte[]>(key, "byte string");
    public CborMap GetMap(string key) => Get<CborMap>(key, "map");
    public IReadOnlyList<object> GetList(string key) => Get<IReadOnlyList<object>>(key, "list");

    public string? TryGetText(string key) => TryGetValue(key, out var v) ? v as string : null;
    public long? TryGetInt(string key) => TryGetValue(key, out var v) && v is long l ? l : null;

    private T Get<T>(string key, string kind)
    {
        if (!TryGetValue(key, out var value)) throw new CborMapException($"'{key}' is missing");
        return value is T t ? t : throw new CborMapException($"'{key}' must be a {kind}");
    }

    /// <summary>The entries in ordinal key order.</summary>
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_items.InOrdinalOrder()).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The canonical encoding. The entries are held in canonical key order, so the writer need not
    /// buffer and sort them (the costly part of its Canonical mode); everything else it writes is
    /// canonical in any mode: shortest integers, definite lengths, no floats or tags.
    /// </summary>
    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        Write(writer, this);
        return writer.Encode();
    }

    public static CborMap Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new CborReader(bytes, CborConformanceMode.Canonical);
            var map = ReadMap(reader, 0);
            if (reader.BytesRemaining != 0) throw new CborMapException("trailing bytes after the map");
            return map;
        }
        catch (CborContentException e) { throw new CborMapException($"not canonical CBOR: {e.Message}"); }
        catch (InvalidOperationException e) { throw new CborMapException($"malformed CBOR: {e.Message}"); }
    }

    internal static void Write(CborWriter writer, CborMap map)
    {
        writer.WriteStartMap(map._items.Count);
        foreach (var (key, value) in map._items.InCanonicalOrder)
        {
            writer.WriteTextString(key);
            WriteValue(writer, value);
        }
        writer.WriteEndMap();
    }

    private static void WriteValue(CborWriter writer, object value)
    {
        switch (value)
        {
            case string s: writer.WriteTextString(s); break;
            case long l: writer.WriteInt64(l); break;
            case bool b: writer.WriteBoolean(b); break;
            case byte[] bytes: writer.WriteByteString(bytes); break;
            case CborMap m: Write(writer, m); break;
            case IReadOnlyList<object> list:
                writer.WriteStartArray(list.Count);
                foreach (var item in list) WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            default: throw new CborMapException($"unsupported value type {value.GetType().Name}");
        }
    }

    internal static CborMap ReadMap(CborReader reader, int depth)
    {
        if (depth > MaxDepth) throw new CborMapException("nested too deeply");
        if (reader.PeekState() != CborReaderState.StartMap) throw new CborMapException("expected a map");
        var count = reader.ReadStartMap() ?? throw new CborMapException("indefinite-length maps are not allowed");
        var map = new CborMap();
        for (var i = 0; i < count; i++)
        {
            if (reader.PeekState() != CborReaderState.TextString) throw new CborMapException("map keys must be text");
            var key = reader.ReadTextString();
            map._items.AppendInOrder(key, ReadValue(reader, depth + 1));
        }
        // The reader has checked the canonical order, which also rules out duplicate keys.
        reader.ReadEndMap();
        return map;
    }

    private static object ReadValue(CborReader reader, int depth)
    {
        if (depth > MaxDepth) throw new CborMapException("nested too deeply");
        switch (reader.PeekState())
        {
            case CborReaderState.TextString: return reader.ReadTextString();
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                try { return reader.ReadInt64(); }
                catch (OverflowException) { throw new CborMapException("integer out of 64-bit range"); }
            case CborReaderState.Boolean: return reader.ReadBoolean();
            case CborReaderState.ByteString: return reader.ReadByteString();
            case CborReaderState.StartMap: return ReadMap(reader, depth);
            case CborReaderState.StartArray:
                var count = reader.ReadStartArray() ?? throw new CborMapException("indefinite-length arrays are not allowed");
                var list = new List<object>(count);
                for (var i = 0; i < count; i++) list.Add(ReadValue(reader, depth + 1));
                reader.ReadEndArray();
                return list;
            default: throw new CborMapException($"unsupported CBOR item {reader.PeekState()}");
        }
    }

    private static object CheckValue(object value, int depth)
    {
        if (depth > MaxDepth) throw new CborMapException("nested too deeply");
        return value switch
        {
            string or long or bool or byte[] or CborMap => value,
            int i => (long)i,
            IReadOnlyList<object> list => CheckList(list, depth),
            null => throw new CborMapException("null values are not allowed"),
            _ => throw new CborMapException($"unsupported value type {value.GetType().Name}"),
        };
    }

    private static IReadOnlyList<object> CheckList(IReadOnlyList<object> list, int depth)
    {
        var copy = new List<object>(list.Count);
        foreach (var item in list) copy.Add(CheckValue(item, depth + 1));
        return copy;
    }
}

/// <summary>A value that is not of the shape a map was expected to have.</summary>
public sealed class CborMapException(string message) : Exception(message);

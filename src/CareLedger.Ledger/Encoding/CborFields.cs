using System.Buffers;
using System.Collections.Immutable;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Encoding;

/// <summary>
/// Reads a record's fields out of a map, strictly: a required field that is missing or of the
/// wrong type throws at once, an optional one (the <c>Optional…</c> methods) is null when absent,
/// and <see cref="End"/> throws if the map holds a field the record did not read. A codec reads
/// each field once, then calls <see cref="End"/>:
/// <code>
/// var f = new CborFields(map);
/// var asset = new Asset(f.Text("symbol"), f.Int("supply"));
/// f.End();
/// </code>
/// or, the same in one expression, <c>CborFields.Read(map, static f => new Asset(f.Text("symbol"), f.Int("supply")))</c>.
/// </summary>
public sealed class CborFields(CborMap map)
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private readonly string[] _read = new string[map.Count];
    private int _count;

    /// <summary>Reads a whole record: <paramref name="read"/> takes each field, then <see cref="End"/> checks that none is left over.</summary>
    public static T Read<T>(CborMap map, Func<CborFields, T> read)
    {
        var fields = new CborFields(map);
        var value = read(fields);
        fields.End();
        return value;
    }

    public string Text(string name) => Required<string>(name, "text");
    public long Int(string name) => Required<long>(name, "an integer");
    public bool Bool(string name) => Required<bool>(name, "a boolean");
    public byte[] Bytes(string name) => Required<byte[]>(name, "a byte string");
    public AccountId Account(string name) => ToAccount(name, Text(name));
    public IReadOnlyList<string> Texts(string name) => ToTexts(name, Required<IReadOnlyList<object>>(name, "a list"));
    public T Record<T>(string name) where T : ICborRecord<T> => T.FromCbor(Required<CborMap>(name, "a map"));
    public IReadOnlyList<T> Records<T>(string name) where T : ICborRecord<T> => ToRecords<T>(name, Required<IReadOnlyList<object>>(name, "a list"));

    /// <summary>A map from names (such as account ids) to records, in ordinal name order as the map is.</summary>
    public ImmutableSortedDictionary<string, T> Entries<T>(string name) where T : ICborRecord<T> =>
        Required<CborMap>(name, "a map").ToImmutableSortedDictionary(
            e => e.Key, e => T.FromCbor(e.Value as CborMap ?? throw new CborMapException($"'{name}.{e.Key}' must be a map")), StringComparer.Ordinal);

    public string? OptionalText(string name) => Optional<string>(name, "text");
    public long? OptionalInt(string name) => Has(name) ? Int(name) : null;
    public AccountId? OptionalAccount(string name) => Has(name) ? Account(name) : null;
    public T? OptionalRecord<T>(string name) where T : class, ICborRecord<T> => Has(name) ? Record<T>(name) : null;

    /// <summary>The fields not read yet, as a map of their own (for a record that another one extends); they count as read.</summary>
    public CborMap Rest()
    {
        var rest = new CborMap();
        foreach (var (key, value) in map)
            if (!IsRead(key)) rest[key] = value;
        foreach (var key in rest.Keys) MarkRead(key);
        return rest;
    }

    /// <summary>Throws, naming them, if the map holds fields that were not read.</summary>
    public void End()
    {
        if (_count == map.Count) return;
        var unknown = map.Keys.Where(k => !IsRead(k)).Select(k => $"'{k}'");
        throw new CborMapException($"unknown field {string.Join(", ", unknown)}");
    }

    private bool Has(string name) => map.ContainsKey(name);

    private T Required<T>(string name, string kind)
    {
        if (!map.TryGetValue(name, out var value)) throw new CborMapException($"'{name}' is missing");
        if (value is not T typed) throw new CborMapException($"'{name}' must be {kind}");
        MarkRead(name);
        return typed;
    }

    private T? Optional<T>(string name, string kind) where T : class => Has(name) ? Required<T>(name, kind) : null;

    private void MarkRead(string name)
    {
        if (_count < _read.Length) _read[_count++] = name;
    }

    private bool IsRead(string name) => Array.IndexOf(_read, name, 0, _count) >= 0;

    /// <summary>Only the canonical lowercase form, so one account can never appear under two spellings.</summary>
    private static AccountId ToAccount(string name, string text) =>
        text.Length == 64 && !text.AsSpan().ContainsAnyExcept(LowerHex) && AccountId.TryParse(text, out var id)
            ? id
            : throw new CborMapException($"'{name}' must be an account id (64 lowercase hex characters)");

    private static string[] ToTexts(string name, IReadOnlyList<object> list)
    {
        var texts = new string[list.Count];
        for (var i = 0; i < texts.Length; i++) texts[i] = list[i] as string ?? throw new CborMapException($"'{name}' must be a list of text");
        return texts;
    }

    private static T[] ToRecords<T>(string name, IReadOnlyList<object> list) where T : ICborRecord<T>
    {
        var records = new T[list.Count];
        for (var i = 0; i < records.Length; i++) records[i] = T.FromCbor(list[i] as CborMap ?? throw new CborMapException($"'{name}' must be a list of maps"));
        return records;
    }
}

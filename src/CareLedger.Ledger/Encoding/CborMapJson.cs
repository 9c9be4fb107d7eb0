using System.Text.Json;
using System.Text.Json.Nodes;

namespace CareLedger.Ledger.Encoding;

/// <summary>JSON view of a <see cref="CborMap"/> for the API and CLI. Byte strings appear as {"$base64": "..."}.</summary>
public static class CborMapJson
{
    internal const string BytesKey = "$base64";

    public static JsonObject ToJson(CborMap map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map) obj[key] = ToNode(value);
        return obj;
    }

    private static JsonNode ToNode(object value) => value switch
    {
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        byte[] bytes => new JsonObject { [BytesKey] = Convert.ToBase64String(bytes) },
        CborMap m => ToJson(m),
        IReadOnlyList<object> list => new JsonArray(list.Select(ToNode).ToArray()),
        _ => throw new CborMapException($"unsupported value type {value.GetType().Name}"),
    };

    /// <summary>
    /// The map a JSON object stands for. Anything JSON allows but a map cannot hold — a key given
    /// twice, text that is not Unicode (a lone surrogate), bytes that are not base64, null, a
    /// fraction — is a <see cref="CborMapException"/> saying which, never another exception.
    /// </summary>
    public static CborMap FromJson(JsonObject obj)
    {
        try { return ToMap(obj); }
        catch (ArgumentException) { throw new CborMapException("a key appears more than once in an object"); }
        catch (InvalidOperationException) { throw new CborMapException("the JSON holds text that is not valid Unicode"); }
    }

    private static CborMap ToMap(JsonObject obj)
    {
        var map = new CborMap();
        foreach (var (key, node) in obj) map[Text(key, key)] = FromNode(node, key);
        return map;
    }

    public static CborMap Parse(string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new CborMapException($"not valid JSON: {e.Message}"); }
        return node is JsonObject obj ? FromJson(obj) : throw new CborMapException("arguments must be a JSON object");
    }

    private static object FromNode(JsonNode? node, string key) => node switch
    {
        null => throw new CborMapException($"'{key}' is null"),
        JsonObject o when o.Count == 1 && o[BytesKey] is JsonValue b => Bytes(b, key),
        JsonObject o => ToMap(o),
        JsonArray a => a.Select(n => FromNode(n, key)).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => Text(v.GetValue<string>(), key),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => l,
            _ => throw new CborMapException($"'{key}' must be text, a whole number, a boolean, a list or an object"),
        },
        _ => throw new CborMapException($"'{key}' has an unsupported value"),
    };

    private static byte[] Bytes(JsonValue value, string key)
    {
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        var buffer = new byte[(text?.Length ?? 0) * 3 / 4 + 3];
        return text is not null && Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer[..written]
            : throw new CborMapException($"'{key}' holds a $base64 value that is not base64");
    }

    /// <summary>Text as a map holds it: well-formed UTF-16, so that it encodes to UTF-8 and back unchanged.</summary>
    private static string Text(string text, string key)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            throw new CborMapException($"'{key}' holds text that is not valid Unicode (a lone surrogate)");
        }
        return text;
    }
}

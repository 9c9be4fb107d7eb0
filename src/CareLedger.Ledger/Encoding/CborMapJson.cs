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

    public static CborMap FromJson(JsonObject obj)
    {
        var map = new CborMap();
        foreach (var (key, node) in obj) map[key] = FromNode(node, key);
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
        JsonObject o when o.Count == 1 && o[BytesKey] is JsonValue b => Convert.FromBase64String(b.GetValue<string>()),
        JsonObject o => FromJson(o),
        JsonArray a => a.Select(n => FromNode(n, key)).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => l,
            _ => throw new CborMapException($"'{key}' must be text, a whole number, a boolean, a list or an object"),
        },
        _ => throw new CborMapException($"'{key}' has an unsupported value"),
    };
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace CareLedger.Ledger.Encoding;

/// <summary>
/// A byte string of a record in JSON as <see cref="CborMapJson"/> writes it, <c>{"$base64": "..."}</c>,
/// so that a record reads the same whether the node serves it typed or as a raw state entry or answer.
/// </summary>
public sealed class CborBytesJsonConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (JsonElement.ParseValue(ref reader) is { ValueKind: JsonValueKind.Object } element
            && element.EnumerateObject().Count() == 1
            && element.TryGetProperty(CborMapJson.BytesKey, out var base64)
            && base64.ValueKind == JsonValueKind.String
            && base64.TryGetBytesFromBase64(out var bytes))
            return bytes;
        throw new JsonException($"a byte string is {{\"{CborMapJson.BytesKey}\": \"<base64>\"}}");
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteBase64String(CborMapJson.BytesKey, value);
        writer.WriteEndObject();
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CareLedger.Ledger.Encoding;

/// <summary>
/// JSON for a record whose CBOR form is not one field per member, such as an answer that puts
/// another record's fields beside its own: written as its CBOR form (as <see cref="CborMapJson"/>
/// shows it) and read back through the record's codec, strictly. Other records need no converter:
/// their members are their fields.
/// </summary>
public sealed class CborRecordJsonConverter<T> : JsonConverter<T> where T : ICborRecord<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (JsonNode.Parse(ref reader) is not JsonObject json) throw new JsonException($"{typeof(T).Name} is a JSON object");
        try
        {
            return T.FromCbor(CborMapJson.FromJson(json));
        }
        catch (Exception e) when (e is CborMapException or FormatException or InvalidOperationException)
        {
            throw new JsonException($"not the {typeof(T).Name} expected: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => CborMapJson.ToJson(value.ToCbor()).WriteTo(writer, options);
}

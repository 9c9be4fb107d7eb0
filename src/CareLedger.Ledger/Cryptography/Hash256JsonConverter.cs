using System.Text.Json;
using System.Text.Json.Serialization;

namespace CareLedger.Ledger.Cryptography;

/// <summary>A hash in JSON: its 64 lowercase hex characters, as the API shows every hash.</summary>
public sealed class Hash256JsonConverter : JsonConverter<Hash256>
{
    public override Hash256 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return Hash256.TryParse(text, out var hash) && hash.ToString() == text
            ? hash
            : throw new JsonException("a hash is a string of 64 lowercase hex characters");
    }

    public override void Write(Utf8JsonWriter writer, Hash256 value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

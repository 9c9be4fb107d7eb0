using System.Text.Json;
using System.Text.Json.Serialization;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// An account id in JSON: its 64 lowercase hex characters, the one spelling it has in state keys,
/// CBOR records and URLs; also as a property name, for maps keyed by account.
/// </summary>
public sealed class AccountIdJsonConverter : JsonConverter<AccountId>
{
    public override AccountId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(ref reader);

    public override void Write(Utf8JsonWriter writer, AccountId value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

    public override AccountId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, AccountId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString());

    private static AccountId Parse(ref Utf8JsonReader reader)
    {
        var text = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? reader.GetString() : null;
        return AccountId.TryParse(text, out var id) && id.ToString() == text
            ? id
            : throw new JsonException("an account id is a string of 64 lowercase hex characters");
    }
}

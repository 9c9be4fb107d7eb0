using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.State;

/// <summary>
/// Every record's JSON (System.Text.Json with web defaults: what the node serves and the SDK reads)
/// agrees with its CBOR form, over the samples of <see cref="RecordSamples"/>: the same field names at
/// every level, a null optional member aside; and a record reads back from its own JSON and from its
/// CBOR form as the node's raw state and query endpoints show it, so the two can never drift.
/// </summary>
public sealed class RecordJsonTests
{
    public static TheoryData<Type> Records => RecordSamples.All();

    [Theory]
    [MemberData(nameof(Records))]
    public void Json_WithAndWithoutOptionalFields_HasTheFieldNamesOfTheCborForm(Type type)
    {
        foreach (var withOptionals in new[] { true, false })
        {
            var sample = RecordSamples.Sample(type, withOptionals);

            var json = JsonSerializer.SerializeToNode(sample, type, JsonSerializerOptions.Web);

            AssertSameFields(RecordSamples.ToCbor(sample), json, type.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Json_ReadBack_IsTheSameRecord(Type type)
    {
        foreach (var withOptionals in new[] { true, false })
        {
            var sample = RecordSamples.Sample(type, withOptionals);

            var read = JsonSerializer.Deserialize(JsonSerializer.Serialize(sample, type, JsonSerializerOptions.Web), type, JsonSerializerOptions.Web)!;

            Assert.Equal(Hex(sample), Hex(read));
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Json_OfTheCborForm_ReadsAsTheRecord(Type type)
    {
        foreach (var withOptionals in new[] { true, false })
        {
            var sample = RecordSamples.Sample(type, withOptionals);

            var read = CborMapJson.ToJson(RecordSamples.ToCbor(sample)).Deserialize(type, JsonSerializerOptions.Web)!;

            Assert.Equal(Hex(sample), Hex(read));
        }
    }

    [Fact]
    public void Json_OfAFieldRenamedInCSharp_KeepsTheCborName()
    {
        var member = new Member(AccountId.FromPublicKey([1]), "city-clinic", "patient", "Ms. Jones");

        var json = JsonSerializer.SerializeToNode(member, JsonSerializerOptions.Web)!;

        Assert.Equal("city-clinic", json["org"]!.GetValue<string>());
        Assert.Equal(member.Account.ToString(), json["account"]!.GetValue<string>());
    }

    [Fact]
    public void Json_OfAFlatAnswerWithAFieldTooMany_IsRefusedByItsCodec()
    {
        var json = JsonSerializer.SerializeToNode(RecordSamples.Sample(typeof(PrescriptionDetail), withOptionals: true), JsonSerializerOptions.Web)!;
        json["unexpected"] = 1;

        var error = Assert.Throws<JsonException>(() => json.Deserialize<PrescriptionDetail>(JsonSerializerOptions.Web));

        Assert.Contains("unknown field 'unexpected'", error.Message);
    }

    public static TheoryData<string> BadAccounts => new() { $"\"{new string('A', 64)}\"", "\"abc\"", "12" };

    [Theory]
    [MemberData(nameof(BadAccounts))]
    public void Json_AccountNotIn64LowercaseHex_IsRefused(string account)
    {
        var json = $$"""{"account": {{account}}, "org": "city-clinic", "role": "patient", "name": ""}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Member>(json, JsonSerializerOptions.Web));

        Assert.Contains("64 lowercase hex", error.Message);
    }

    private static string Hex(object record) => Convert.ToHexString(RecordSamples.ToCbor(record).Encode());

    /// <summary>Walks the CBOR form and the JSON together: each map's keys are the object's non-null members, level by level.</summary>
    private static void AssertSameFields(object cbor, JsonNode? json, string path)
    {
        switch (cbor)
        {
            case CborMap map:
                var obj = Assert.IsType<JsonObject>(json);
                var keys = map.Keys.Order(StringComparer.Ordinal).ToList();
                var names = obj.Where(p => p.Value is not null).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
                Assert.True(keys.SequenceEqual(names), $"{path}: CBOR has [{string.Join(", ", keys)}], JSON has [{string.Join(", ", names)}]");
                foreach (var (key, value) in map) AssertSameFields(value, obj[key], $"{path}.{key}");
                break;
            case IReadOnlyList<object> list:
                var array = Assert.IsType<JsonArray>(json);
                Assert.Equal(list.Count, array.Count);
                for (var i = 0; i < list.Count; i++) AssertSameFields(list[i], array[i], $"{path}[{i}]");
                break;
        }
    }
}

using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.State;

/// <summary>
/// Every record's codec, over samples built by reflection: it round-trips, byte for byte, and it
/// is strict — an unknown field, a missing required field or a field of the wrong type is refused.
/// </summary>
public sealed class RecordCodecTests
{
    public static TheoryData<Type> Records => RecordSamples.All();

    [Fact]
    public void RecordTypes_OfTheContracts_AreAllFound()
    {
        Assert.True(RecordSamples.RecordTypes.Count >= 45, $"only {RecordSamples.RecordTypes.Count} record types found");
        Assert.Contains(typeof(Contracts.Services.Booking), RecordSamples.RecordTypes);
        Assert.Contains(typeof(Contracts.Prescriptions.Prescription), RecordSamples.RecordTypes);
        Assert.Contains(typeof(Contracts.Records.ReadReport), RecordSamples.RecordTypes);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Codec_WithAndWithoutOptionalFields_RoundTripsByteForByte(Type type)
    {
        foreach (var withOptionals in new[] { true, false })
        {
            var sample = RecordSamples.Sample(type, withOptionals);
            var bytes = RecordSamples.ToCbor(sample).Encode();

            var decoded = RecordSamples.FromCbor(type, CborMap.Decode(bytes));

            Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(RecordSamples.ToCbor(decoded).Encode()));
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Codec_UnknownField_IsRefusedByName(Type type)
    {
        var map = RecordSamples.ToCbor(RecordSamples.Sample(type, withOptionals: true));
        map["unexpected"] = 1L;

        var error = Assert.Throws<CborMapException>(() => RecordSamples.FromCbor(type, map));

        Assert.Contains("'unexpected'", error.Message);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Codec_EachRequiredFieldMissing_IsRefusedByName(Type type)
    {
        var required = RecordSamples.ToCbor(RecordSamples.Sample(type, withOptionals: false)).Keys.ToList();
        Assert.NotEmpty(required);
        foreach (var field in required)
        {
            var map = RecordSamples.ToCbor(RecordSamples.Sample(type, withOptionals: true));
            map.Remove(field);

            var error = Assert.Throws<CborMapException>(() => RecordSamples.FromCbor(type, map));

            Assert.Contains($"'{field}'", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Codec_EachFieldOfTheWrongType_IsRefused(Type type)
    {
        foreach (var field in RecordSamples.ToCbor(RecordSamples.Sample(type, withOptionals: true)).Keys.ToList())
        {
            var map = RecordSamples.ToCbor(RecordSamples.Sample(type, withOptionals: true));
            map[field] = map[field] is long ? "not a number" : 7L;

            Assert.Throws<CborMapException>(() => RecordSamples.FromCbor(type, map));
        }
    }
}

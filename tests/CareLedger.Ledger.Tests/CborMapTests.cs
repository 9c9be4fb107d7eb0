using System.Formats.Cbor;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Tests;

public class CborMapTests
{
    [Fact]
    public void Encode_ThenDecode_RoundTripsEveryValueKind()
    {
        var map = new CborMap
        {
            ["text"] = "héllo", ["int"] = -42L, ["big"] = long.MaxValue, ["bool"] = true, ["bytes"] = new byte[] { 1, 2, 3 },
            ["list"] = new List<object> { 1L, "two", new CborMap { ["x"] = false } }, ["map"] = new CborMap { ["inner"] = "v" },
        };

        var decoded = CborMap.Decode(map.Encode());

        Assert.Equal(map.Encode(), decoded.Encode());
        Assert.Equal("héllo", decoded.GetText("text"));
        Assert.Equal(long.MaxValue, decoded.GetInt("big"));
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.GetBytes("bytes"));
        Assert.Equal("v", decoded.GetMap("map").GetText("inner"));
    }

    [Fact]
    public void Encode_IsIndependentOfInsertionOrder()
    {
        var a = new CborMap { ["b"] = 1L, ["a"] = 2L, ["aa"] = 3L };
        var b = new CborMap { ["aa"] = 3L, ["a"] = 2L, ["b"] = 1L };
        Assert.Equal(a.Encode(), b.Encode());
    }

    [Fact]
    public void Decode_NonCanonicalKeyOrder_IsRejected()
    {
        // {"b": 1, "a": 2} written without sorting: valid CBOR, not canonical.
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(2);
        writer.WriteTextString("b"); writer.WriteInt32(1);
        writer.WriteTextString("a"); writer.WriteInt32(2);
        writer.WriteEndMap();

        Assert.Throws<CborMapException>(() => CborMap.Decode(writer.Encode()));
    }

    [Fact]
    public void Decode_NonShortestInteger_IsRejected()
    {
        // {"a": 1} with the 1 encoded in two bytes (0x18 0x01) instead of one.
        byte[] bytes = [0xA1, 0x61, 0x61, 0x18, 0x01];
        Assert.Throws<CborMapException>(() => CborMap.Decode(bytes));
    }

    [Fact]
    public void Decode_FloatingPointValue_IsRejected()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(1);
        writer.WriteTextString("f"); writer.WriteDouble(1.5);
        writer.WriteEndMap();
        Assert.Throws<CborMapException>(() => CborMap.Decode(writer.Encode()));
    }

    [Fact]
    public void Json_RoundTrip_PreservesValues()
    {
        var map = CborMapJson.Parse("""{"n": 7, "s": "x", "b": {"$base64": "AQI="}, "l": [true, 2]}""");
        Assert.Equal(7L, map.GetInt("n"));
        Assert.Equal(new byte[] { 1, 2 }, map.GetBytes("b"));
        Assert.Equal(map.Encode(), CborMapJson.FromJson(CborMapJson.ToJson(map)).Encode());
    }

    [Fact]
    public void Json_FractionalNumber_IsRejected()
    {
        Assert.Throws<CborMapException>(() => CborMapJson.Parse("""{"n": 1.5}"""));
    }
}

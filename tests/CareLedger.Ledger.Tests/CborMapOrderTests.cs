using System.Formats.Cbor;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Tests;

/// <summary>
/// The map keeps its entries in canonical key order so that encoding does not sort: its bytes must
/// be exactly what a canonical CBOR writer produces, for any keys, while enumeration stays ordinal.
/// </summary>
public sealed class CborMapOrderTests
{
    // ASCII of several lengths, one non-ASCII BMP character, one beyond the BMP (a surrogate pair in UTF-16), and the empty key.
    private static readonly string[] Keys = ["b", "a", "aa", "B", "zz", "é", "ée", "\uFB01", "\U0001F600", "", "long-key", "Z9"];

    [Fact]
    public void Encode_AnyKeysInAnyOrder_IsWhatACanonicalWriterWrites()
    {
        var random = new Random(7);
        for (var round = 0; round < 50; round++)
        {
            var keys = Keys.OrderBy(_ => random.Next()).Take(random.Next(1, Keys.Length + 1)).ToList();
            var map = new CborMap();
            foreach (var key in keys) map[key] = (long)key.Length;

            Assert.Equal(Convert.ToHexString(CanonicalWriter(keys)), Convert.ToHexString(map.Encode()));
        }
    }

    [Fact]
    public void Decode_ThenLookUp_FindsEveryKey()
    {
        var map = new CborMap();
        foreach (var key in Keys) map[key] = key;

        var decoded = CborMap.Decode(map.Encode());

        Assert.All(Keys, key => Assert.Equal(key, decoded.GetText(key)));
        Assert.False(decoded.ContainsKey("missing"));
    }

    [Fact]
    public void Enumerate_IsInOrdinalKeyOrder()
    {
        var map = new CborMap();
        foreach (var key in Keys) map[key] = 1L;

        Assert.Equal(Keys.Order(StringComparer.Ordinal), map.Keys);
        Assert.Equal(Keys.Order(StringComparer.Ordinal), map.Select(e => e.Key));
    }

    [Fact]
    public void SetAddRemove_KeepOneEntryPerKey()
    {
        var map = new CborMap { ["k"] = 1L };

        map["k"] = 2L;
        var duplicate = Assert.Throws<ArgumentException>(() => map.Add("k", 3L));
        map.Remove("k");
        map.Remove("k");

        Assert.Contains("'k'", duplicate.Message);
        Assert.Equal(0, map.Count);
    }

    private static byte[] CanonicalWriter(IEnumerable<string> keys)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        var list = keys.ToList();
        writer.WriteStartMap(list.Count);
        foreach (var key in list)
        {
            writer.WriteTextString(key);
            writer.WriteInt64(key.Length);
        }
        writer.WriteEndMap();
        return writer.Encode();
    }
}

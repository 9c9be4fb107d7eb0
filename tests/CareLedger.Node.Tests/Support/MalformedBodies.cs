using System.Text;

namespace CareLedger.Node.Tests.Support;

/// <summary>A request body no endpoint can accept, with the content type it is sent as.</summary>
public sealed record MalformedBody(string Name, byte[] Bytes, string? ContentType)
{
    public override string ToString() => Name;
}

/// <summary>
/// Bodies that are broken in each way a client (or an attacker) can break them: they name the fields the node's
/// endpoints read (transaction, ciphertext, keys, patient, resourceType), so each reaches the parsing it targets.
/// </summary>
public static class MalformedBodies
{
    private const string Fields = "\"resourceType\":\"Observation\",\"patient\":\"p\",\"ciphertext\":\"AA==\"";

    /// <summary>Bodies small enough to send to every operation.</summary>
    public static IReadOnlyList<MalformedBody> Small { get; } =
    [
        Json("truncated JSON", """{"transaction":"oA""" ),
        Json("truncated JSON object", """{"resourceType":"Observation","status":"fin"""),
        new("invalid UTF-8", [.. "{\"transaction\":\""u8, 0xFF, 0xFE, 0xC3, 0x28, .. "\",\"resourceType\":\"Obs"u8, 0xE2, 0x82, .. "\"}"u8], "application/json"),
        Json("lone UTF-16 surrogates", $$"""{"transaction":"\ud800","keys":"\udc00","patient":"a\ud800b",{{Fields}},"status":"\udfff"}"""),
        Json("duplicate keys", $$"""{"transaction":"oA==","transaction":"gwECAw==","keys":"oA==","keys":"oA==","patient":"a","patient":"b",{{Fields}},"resourceType":"Patient"}"""),
        Json("arrays nested 10,000 deep", new string('[', 10_000) + new string(']', 10_000)),
        Json("objects nested 10,000 deep", string.Concat(Enumerable.Repeat("{\"transaction\":", 10_000)) + "1" + new string('}', 10_000)),
        Json("bad base64", $$"""{"transaction":"%%% not base64 %%%","keys":"***","patient":{"$base64":"!!!"},{{Fields}},"ciphertext":"@@@"}"""),
        Json("bad $base64 argument", """{"patient":{"$base64":"not base64!"},"record":{"$base64":42},"transaction":{"$base64":"="}}"""),
        Json("JSON of the wrong shape", """[{"transaction":1},null,true]"""),
        Json("null", "null"),
        new("random CBOR", Random(2_000), "application/cbor"),
        new("truncated CBOR", [0x82, 0x59, 0xFF, 0xFF, 0x01, 0x02], "application/cbor"),
        new("CBOR map of nested arrays", [0xA1, 0x61, 0x61, .. Enumerable.Repeat((byte)0x81, 5_000), 0x00], "application/cbor"),
        new("XML", "<transaction>oA==</transaction>"u8.ToArray(), "application/xml"),
        new("form without a boundary", "transaction=oA%3D%3D"u8.ToArray(), "multipart/form-data"),
        new("text", "hello"u8.ToArray(), "text/plain"),
        new("no content type", "{\"transaction\":\"oA==\""u8.ToArray(), null),
        new("empty JSON", [], "application/json"),
        new("empty CBOR", [], "application/cbor"),
    ];

    /// <summary>Bodies over the node's limits (128 KiB for a transaction, 1 MiB for any request).</summary>
    public static IReadOnlyList<MalformedBody> Huge { get; } =
    [
        HugeJson("2 MB of JSON", 2 * 1024 * 1024),
        HugeJson("20 MB of JSON", 20 * 1024 * 1024),
    ];

    private static MalformedBody Json(string name, string text) => new(name, Encoding.UTF8.GetBytes(text), "application/json");

    /// <summary>A JSON string value that never ends: a parser that reads it all before checking its size has lost.</summary>
    private static MalformedBody HugeJson(string name, int size)
    {
        var bytes = new byte[size];
        bytes.AsSpan().Fill((byte)'A');
        "{\"transaction\":\""u8.CopyTo(bytes);
        return new(name, bytes, "application/json");
    }

    private static byte[] Random(int length)
    {
        var bytes = new byte[length];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}

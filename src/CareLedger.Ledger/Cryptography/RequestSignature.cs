using System.Formats.Cbor;
using System.Security.Cryptography;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// A signed HTTP request, so a node can prove who asked for what: the client signs
/// SHA-256 of canonical CBOR ["careledger/request/v2", chain id, node account, method, path and query,
/// time (Unix ms), SHA-256(body)] with its account key. The chain and node (<see cref="RequestAudience"/>)
/// make it good for one node only. Contracts re-check these signatures when a node logs an access, so
/// a node cannot invent a read nobody asked for.
/// </summary>
public static class RequestSignature
{
    public const string Header = "CareLedger-Signature";
    public static readonly byte[] EmptyBodyHash = SHA256.HashData([]);

    public static Hash256 Digest(RequestAudience audience, string method, string pathAndQuery, long time, ReadOnlySpan<byte> bodyHash) =>
        Hash256.Of(Signed(audience, method, pathAndQuery, time, bodyHash));

    /// <summary>The bytes whose SHA-256 is signed.</summary>
    private static byte[] Signed(RequestAudience audience, string method, string pathAndQuery, long time, ReadOnlySpan<byte> bodyHash)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(7);
        writer.WriteTextString("careledger/request/v2");
        writer.WriteTextString(audience.ChainId);
        writer.WriteTextString(audience.Node.ToString());
        writer.WriteTextString(method.ToUpperInvariant());
        writer.WriteTextString(pathAndQuery);
        writer.WriteInt64(time);
        writer.WriteByteString(bodyHash);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>The header value: key=base64 SPKI; time=ms; sig=base64 P1363.</summary>
    public static string Sign(SigningKey key, RequestAudience audience, string method, string pathAndQuery, long time, ReadOnlySpan<byte> body)
    {
        var sig = key.Sign(Digest(audience, method, pathAndQuery, time, SHA256.HashData(body)));
        return $"key={Convert.ToBase64String(key.PublicKey)}; time={time}; sig={Convert.ToBase64String(sig)}";
    }

    /// <summary>The same header, signed by a key that may live elsewhere (a browser's WebCrypto).</summary>
    public static async Task<string> SignAsync(IAccountKey key, RequestAudience audience, string method, string pathAndQuery, long time, ReadOnlyMemory<byte> body)
    {
        var sig = await key.SignAsync(Signed(audience, method, pathAndQuery, time, SHA256.HashData(body.Span)));
        return $"key={Convert.ToBase64String(key.PublicKey)}; time={time}; sig={Convert.ToBase64String(sig)}";
    }

    /// <summary>Parses a header value; false when it is malformed.</summary>
    public static bool TryParse(string? header, out byte[] key, out long time, out byte[] signature)
    {
        key = []; time = 0; signature = [];
        if (string.IsNullOrEmpty(header)) return false;
        var parts = header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        if (parts.Count != 3) return false;
        try
        {
            if (!parts.TryGetValue("key", out var k) || !parts.TryGetValue("time", out var t) || !parts.TryGetValue("sig", out var s)) return false;
            key = Convert.FromBase64String(k);
            signature = Convert.FromBase64String(s);
            return long.TryParse(t, out time);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool Verify(byte[] key, RequestAudience audience, string method, string pathAndQuery, long time, ReadOnlySpan<byte> bodyHash, byte[] signature) =>
        SignatureVerifier.Verify(key, Digest(audience, method, pathAndQuery, time, bodyHash), signature);
}

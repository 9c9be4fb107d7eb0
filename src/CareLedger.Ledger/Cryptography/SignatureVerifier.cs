using System.Security.Cryptography;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// Verifies P-256 signatures. Imported public keys are cached per thread: parsing a key costs
/// about as much as a verification, and an ECDsa instance is not safe to share across threads.
/// </summary>
public static class SignatureVerifier
{
    public const int SignatureSize = 64;
    private const int CacheLimit = 4096;

    [ThreadStatic] private static Dictionary<Hash256, ECDsa>? t_keys;

    /// <summary>True when the signature verifies and is in its low-S form; the high-S twin of a valid signature does not verify here.</summary>
    public static bool Verify(ReadOnlySpan<byte> subjectPublicKeyInfo, Hash256 digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize || !LowS.IsLow(signature)) return false;
        var key = GetKey(subjectPublicKeyInfo);
        if (key is null) return false;
        return key.VerifyHash(digest.Span, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>True when the bytes are a well-formed P-256 SubjectPublicKeyInfo.</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo) => GetKey(subjectPublicKeyInfo) is not null;

    private static ECDsa? GetKey(ReadOnlySpan<byte> spki)
    {
        var cache = t_keys ??= new Dictionary<Hash256, ECDsa>();
        var id = Hash256.Of(spki);
        if (cache.TryGetValue(id, out var key)) return key;
        key = Import(spki);
        if (key is null) return null;
        if (cache.Count >= CacheLimit)
        {
            foreach (var old in cache.Values) old.Dispose();
            cache.Clear();
        }
        cache[id] = key;
        return key;
    }

    private static ECDsa? Import(ReadOnlySpan<byte> spki)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read == spki.Length && key.KeySize == 256 && key.ExportParameters(false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value)
                return key;
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException or ArgumentException)
        {
        }
        key.Dispose();
        return null;
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// Verifies P-256 signatures. Imported public keys are kept in one cache for the whole process: importing a key
/// costs about as much as a verification (OpenSSL checks the point), and a node sees the same senders again and again.
/// An <see cref="ECDsa"/> instance is not documented as safe to share across threads, so a thread rents one for
/// its verification and gives it back; two threads verifying for the same sender at once import it twice, once.
/// </summary>
/// <remarks>
/// The cache was per thread until 2026-12: with dozens of thread-pool threads each importing every sender's key
/// for itself, a consortium node imported a key for one transaction in two (counted with uprobes on libcrypto).
/// </remarks>
public static class SignatureVerifier
{
    public const int SignatureSize = 64;

    /// <summary>Distinct keys kept; beyond it the cache starts afresh (a node serves far fewer active senders at once).</summary>
    internal const int CacheLimit = 16_384;

    /// <summary>Idle instances kept per key: as many as threads that verify the same sender's transactions at one time.</summary>
    private const int IdlePerKey = 4;

    private static readonly ConcurrentDictionary<Hash256, Stack<ECDsa>> s_idle = new();

    /// <summary>True when the signature verifies and is in its low-S form; the high-S twin of a valid signature does not verify here.</summary>
    public static bool Verify(ReadOnlySpan<byte> subjectPublicKeyInfo, Hash256 digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize || !LowS.IsLow(signature)) return false;
        var id = Hash256.Of(subjectPublicKeyInfo);
        var key = Rent(id, subjectPublicKeyInfo);
        if (key is null) return false;
        try
        {
            return key.VerifyHash(digest.Span, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            Return(id, key);
        }
    }

    /// <summary>True when the bytes are a well-formed P-256 SubjectPublicKeyInfo.</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var id = Hash256.Of(subjectPublicKeyInfo);
        var key = Rent(id, subjectPublicKeyInfo);
        if (key is null) return false;
        Return(id, key);
        return true;
    }

    private static long s_imports;

    /// <summary>How many keys the cache holds idle instances for (for tests).</summary>
    internal static int CachedKeys => s_idle.Count;

    /// <summary>How many times a key was imported since the process started (for tests).</summary>
    internal static long Imports => Interlocked.Read(ref s_imports);

    private static ECDsa? Rent(Hash256 id, ReadOnlySpan<byte> spki)
    {
        if (s_idle.TryGetValue(id, out var idle))
        {
            lock (idle)
            {
                if (idle.Count > 0) return idle.Pop();
            }
        }
        return Import(spki);
    }

    private static void Return(Hash256 id, ECDsa key)
    {
        if (!s_idle.TryGetValue(id, out var idle))
        {
            // Counting takes every lock of the dictionary: done only for a key it does not hold yet, never per verification.
            if (s_idle.Count >= CacheLimit) Forget();
            idle = s_idle.GetOrAdd(id, static _ => new Stack<ECDsa>(1));
        }
        lock (idle)
        {
            if (idle.Count < IdlePerKey)
            {
                idle.Push(key);
                return;
            }
        }
        key.Dispose();
    }

    /// <summary>Drops every idle instance. Instances rented meanwhile come back into fresh entries.</summary>
    private static void Forget()
    {
        foreach (var id in s_idle.Keys)
        {
            if (!s_idle.TryRemove(id, out var idle)) continue;
            lock (idle)
            {
                while (idle.Count > 0) idle.Pop().Dispose();
            }
        }
    }

    private static ECDsa? Import(ReadOnlySpan<byte> spki)
    {
        Interlocked.Increment(ref s_imports);
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

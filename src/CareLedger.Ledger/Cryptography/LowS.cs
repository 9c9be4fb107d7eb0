using System.Numerics;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n − s). CareLedger accepts only
/// the low form (s ≤ n/2), as Bitcoin's BIP 62 does, so each signed message has exactly one valid
/// signature and a signature can serve as a one-time token (a logged read, a transaction). Signers
/// normalise; browsers' WebCrypto does not, so the SDK does it after signing there too.
/// </summary>
public static class LowS
{
    /// <summary>The order n of the P-256 group, big-endian.</summary>
    private static readonly byte[] Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    /// <summary>n / 2, rounded down: the largest low s.</summary>
    private static readonly byte[] HalfOrder = Convert.FromHexString("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8");

    /// <summary>Whether the P1363 signature's s is in the low half (s ≤ n/2).</summary>
    public static bool IsLow(ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureVerifier.SignatureSize && signature[32..].SequenceCompareTo(HalfOrder) <= 0;

    /// <summary>The low form of a P1363 signature: itself if s ≤ n/2, else (r, n − s).</summary>
    public static byte[] Normalize(byte[] signature)
    {
        if (IsLow(signature)) return signature;
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var low = new BigInteger(Order, isUnsigned: true, isBigEndian: true) - s;
        var normalized = (byte[])signature.Clone();
        normalized.AsSpan(32).Clear();
        low.TryWriteBytes(normalized.AsSpan(64 - low.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return normalized;
    }
}

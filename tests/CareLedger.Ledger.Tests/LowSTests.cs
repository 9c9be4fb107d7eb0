using System.Numerics;
using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

/// <summary>Each signed message has exactly one valid signature: the low-S form (s ≤ n/2).</summary>
public sealed class LowSTests
{
    private static readonly BigInteger Order = new(Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"), isUnsigned: true, isBigEndian: true);

    /// <summary>(r, n − s): the other signature plain ECDSA accepts for the same message.</summary>
    private static byte[] Twin(byte[] signature)
    {
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twin = (byte[])signature.Clone();
        twin.AsSpan(32).Clear();
        var other = Order - s;
        other.TryWriteBytes(twin.AsSpan(64 - other.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return twin;
    }

    private static bool PlainEcdsaAccepts(byte[] publicKey, Hash256 digest, byte[] signature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        return ecdsa.VerifyHash(digest.Span, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    [Fact]
    public void Sign_ManyDigests_AlwaysGivesTheLowForm()
    {
        using var key = SigningKey.Generate();
        for (var i = 0; i < 200; i++)
        {
            var signature = key.Sign(Hash256.Of([(byte)i, (byte)(i >> 8)]));
            Assert.True(LowS.IsLow(signature), $"signature {i} is high-S");
        }
    }

    [Fact]
    public void Verify_HighSTwinOfAValidSignature_IsRejected()
    {
        using var key = SigningKey.Generate();
        var digest = Hash256.Of("a read of record 42"u8);
        var signature = key.Sign(digest);
        var twin = Twin(signature);

        Assert.True(PlainEcdsaAccepts(key.PublicKey, digest, twin), "the twin is a valid ECDSA signature");
        Assert.True(SignatureVerifier.Verify(key.PublicKey, digest, signature));
        Assert.False(SignatureVerifier.Verify(key.PublicKey, digest, twin));
    }

    [Fact]
    public void VerifySignature_TransactionWithTheHighSTwinOfItsSignature_Fails()
    {
        using var key = SigningKey.Generate();
        var tx = Transaction.Create(key, "chain", 1, 1_000, "tokens", "transfer", new CborMap { ["asset"] = "CARE" });

        var malleated = tx with { Signature = Twin(tx.Signature) };

        Assert.True(tx.VerifySignature());
        Assert.False(malleated.VerifySignature());
    }

    [Fact]
    public void RequestSignatureVerify_HighSTwin_IsRejected()
    {
        using var key = SigningKey.Generate();
        var node = new RequestAudience("chain", key.Account);
        var header = RequestSignature.Sign(key, node, "GET", "/v1/records/abc", 1_000, []);
        Assert.True(RequestSignature.TryParse(header, out var publicKey, out var time, out var signature));

        Assert.True(RequestSignature.Verify(publicKey, node, "GET", "/v1/records/abc", time, RequestSignature.EmptyBodyHash, signature));
        Assert.False(RequestSignature.Verify(publicKey, node, "GET", "/v1/records/abc", time, RequestSignature.EmptyBodyHash, Twin(signature)));
    }

    [Fact]
    public void Normalize_HighSignature_GivesItsTwin_AndLeavesALowOneAlone()
    {
        using var key = SigningKey.Generate();
        var low = key.Sign(Hash256.Of("x"u8));

        Assert.Equal(low, LowS.Normalize(low));
        Assert.Equal(low, LowS.Normalize(Twin(low)));
    }
}

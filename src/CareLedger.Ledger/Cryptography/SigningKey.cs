using System.Security.Cryptography;

namespace CareLedger.Ledger.Cryptography;

/// <summary>An ECDSA P-256 private key. Signatures are IEEE P1363 (r || s, 64 bytes) over a SHA-256 digest.</summary>
public sealed class SigningKey : IAccountKey, IDisposable
{
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        Account = AccountId.FromPublicKey(PublicKey);
    }

    /// <summary>The SubjectPublicKeyInfo (DER) of the public key.</summary>
    public byte[] PublicKey { get; }
    public AccountId Account { get; }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static SigningKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new CryptographicException("Only P-256 keys are supported.");
        }
        return new SigningKey(key);
    }

    public byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    /// <summary>Signs a digest; the signature is always in its low-S form (see <see cref="LowS"/>).</summary>
    public byte[] Sign(Hash256 digest) => LowS.Normalize(_key.SignHash(digest.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> message) => ValueTask.FromResult(Sign(Hash256.Of(message.Span)));

    public ValueTask<byte[]> AgreeAsync(ReadOnlyMemory<byte> peerPublicKey)
    {
        using var peer = ECDiffieHellman.Create();
        peer.ImportSubjectPublicKeyInfo(peerPublicKey.Span, out _);
        using var mine = ToKeyAgreement();
        return ValueTask.FromResult(mine.DeriveRawSecretAgreement(peer.PublicKey));
    }

    /// <summary>The ECDH counterpart of this key (same scalar), for key agreement.</summary>
    public ECDiffieHellman ToKeyAgreement()
    {
        var ecdh = ECDiffieHellman.Create();
        ecdh.ImportParameters(_key.ExportParameters(includePrivateParameters: true));
        return ecdh;
    }

    public void Dispose() => _key.Dispose();
}

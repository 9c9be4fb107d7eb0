using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Vault.Crypto;

/// <summary>
/// Wraps a record's data key for one reader (ECIES on P-256): an ephemeral key agrees a secret
/// with the reader's public key; HKDF-SHA256 (salt = ephemeral public key, info = record and
/// reader) turns it into an AES-256-GCM key that seals the data key, with the same record and
/// reader as associated data. Output: canonical CBOR [ephemeral SPKI, nonce, ciphertext || tag].
/// </summary>
public static class KeyWrap
{
    public static byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> readerPublicKey, string recordId)
    {
        using var reader = ECDiffieHellman.Create();
        try { reader.ImportSubjectPublicKeyInfo(readerPublicKey, out _); }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw new VaultCryptoException("the reader's public key is not a P-256 key");
        }
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ephemeralKey = ephemeral.ExportSubjectPublicKeyInfo();
        var context = Context(recordId, AccountId.FromPublicKey(readerPublicKey));
        var kek = DeriveKek(ephemeral.DeriveRawSecretAgreement(reader.PublicKey), ephemeralKey, context);

        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedKey = new byte[dataKey.Length + 16];
        using (var aes = new AesGcm(kek, 16)) aes.Encrypt(nonce, dataKey, sealedKey.AsSpan(0, dataKey.Length), sealedKey.AsSpan(dataKey.Length), context);
        CryptographicOperations.ZeroMemory(kek);

        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(3);
        writer.WriteByteString(ephemeralKey);
        writer.WriteByteString(nonce);
        writer.WriteByteString(sealedKey);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Opens a wrapped key with the reader's private key; throws <see cref="VaultCryptoException"/> if it is forged or not theirs.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> wrapped, SigningKey readerKey, string recordId)
    {
        byte[] ephemeralKey, nonce, sealedKey;
        try
        {
            var reader = new CborReader(wrapped.ToArray(), CborConformanceMode.Canonical);
            if (reader.ReadStartArray() != 3) throw new VaultCryptoException("a wrapped key has three parts");
            ephemeralKey = reader.ReadByteString();
            nonce = reader.ReadByteString();
            sealedKey = reader.ReadByteString();
            reader.ReadEndArray();
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException)
        {
            throw new VaultCryptoException("wrapped key is malformed");
        }
        if (nonce.Length != 12 || sealedKey.Length != RecordCipher.KeySize + 16) throw new VaultCryptoException("wrapped key is malformed");

        using var ephemeral = ECDiffieHellman.Create();
        try { ephemeral.ImportSubjectPublicKeyInfo(ephemeralKey, out _); }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw new VaultCryptoException("wrapped key carries an invalid ephemeral key");
        }
        using var mine = readerKey.ToKeyAgreement();
        var context = Context(recordId, readerKey.Account);
        var kek = DeriveKek(mine.DeriveRawSecretAgreement(ephemeral.PublicKey), ephemeralKey, context);
        var dataKey = new byte[RecordCipher.KeySize];
        try
        {
            using var aes = new AesGcm(kek, 16);
            aes.Decrypt(nonce, sealedKey.AsSpan(0, RecordCipher.KeySize), sealedKey.AsSpan(RecordCipher.KeySize), dataKey, context);
            return dataKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new VaultCryptoException("wrapped key does not open with this key: forged, altered, or wrapped for someone else");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[] DeriveKek(byte[] shared, byte[] salt, byte[] info)
    {
        try { return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt, info); }
        finally { CryptographicOperations.ZeroMemory(shared); }
    }

    private static byte[] Context(string recordId, AccountId reader) => Encoding.UTF8.GetBytes($"careledger/wrap/v1/{recordId}/{reader}");
}

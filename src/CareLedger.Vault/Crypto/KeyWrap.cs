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
/// The format is built here once; the primitives come from the platform (<see cref="IRecordCrypto"/>, <see cref="IAccountKey"/>).
/// </summary>
public static class KeyWrap
{
    public static async ValueTask<byte[]> WrapAsync(IRecordCrypto crypto, byte[] dataKey, byte[] readerPublicKey, string recordId)
    {
        var (ephemeralKey, shared) = await crypto.AgreeEphemeralAsync(readerPublicKey);
        var context = Context(recordId, AccountId.FromPublicKey(readerPublicKey));
        var kek = await DeriveKekAsync(crypto, shared, ephemeralKey, context);
        var nonce = RandomNumberGenerator.GetBytes(12);
        byte[] sealedKey;
        try { sealedKey = await crypto.EncryptAsync(kek, nonce, dataKey, context); }
        finally { CryptographicOperations.ZeroMemory(kek); }

        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(3);
        writer.WriteByteString(ephemeralKey);
        writer.WriteByteString(nonce);
        writer.WriteByteString(sealedKey);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Opens a wrapped key with the reader's private key; throws <see cref="VaultCryptoException"/> if it is forged or not theirs.</summary>
    public static async ValueTask<byte[]> UnwrapAsync(IRecordCrypto crypto, byte[] wrapped, IAccountKey reader, string recordId)
    {
        byte[] ephemeralKey, nonce, sealedKey;
        try
        {
            var cbor = new CborReader(wrapped, CborConformanceMode.Canonical);
            if (cbor.ReadStartArray() != 3) throw new VaultCryptoException("a wrapped key has three parts");
            ephemeralKey = cbor.ReadByteString();
            nonce = cbor.ReadByteString();
            sealedKey = cbor.ReadByteString();
            cbor.ReadEndArray();
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException)
        {
            throw new VaultCryptoException("wrapped key is malformed");
        }
        if (nonce.Length != 12 || sealedKey.Length != RecordCipher.KeySize + 16) throw new VaultCryptoException("wrapped key is malformed");

        byte[] shared;
        // Whatever the platform throws for a point that is not on the curve (CryptographicException here, a JS error in a browser).
        try { shared = await reader.AgreeAsync(ephemeralKey); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new VaultCryptoException("wrapped key carries an invalid ephemeral key");
        }
        var context = Context(recordId, reader.Account);
        var kek = await DeriveKekAsync(crypto, shared, ephemeralKey, context);
        try { return await crypto.DecryptAsync(kek, nonce, sealedKey, context); }
        catch (VaultCryptoException)
        {
            throw new VaultCryptoException("wrapped key does not open with this key: forged, altered, or wrapped for someone else");
        }
        finally { CryptographicOperations.ZeroMemory(kek); }
    }

    public static byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> readerPublicKey, string recordId) =>
        WrapAsync(DotNetRecordCrypto.Instance, dataKey.ToArray(), readerPublicKey.ToArray(), recordId).Completed();

    public static byte[] Unwrap(ReadOnlySpan<byte> wrapped, SigningKey readerKey, string recordId) =>
        UnwrapAsync(DotNetRecordCrypto.Instance, wrapped.ToArray(), readerKey, recordId).Completed();

    private static async ValueTask<byte[]> DeriveKekAsync(IRecordCrypto crypto, byte[] shared, byte[] salt, byte[] info)
    {
        try { return await crypto.HkdfAsync(shared, salt, info, 32); }
        finally { CryptographicOperations.ZeroMemory(shared); }
    }

    private static byte[] Context(string recordId, AccountId reader) => Encoding.UTF8.GetBytes($"careledger/wrap/v1/{recordId}/{reader}");
}

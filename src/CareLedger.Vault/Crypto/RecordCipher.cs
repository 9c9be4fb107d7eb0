using System.Security.Cryptography;
using System.Text;

namespace CareLedger.Vault.Crypto;

/// <summary>
/// Envelope encryption of one record version: AES-256-GCM under the record's data key, a fresh
/// 96-bit nonce per version, and the record id and version as associated data, so a ciphertext
/// cannot be passed off as another record or version. Blob layout: nonce(12) || ciphertext || tag(16).
/// </summary>
public static class RecordCipher
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> dataKey, string recordId, long version)
    {
        var blob = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(NonceSize, plaintext.Length), blob.AsSpan(NonceSize + plaintext.Length), Aad(recordId, version));
        return blob;
    }

    /// <summary>Decrypts a blob; throws <see cref="VaultCryptoException"/> if it was altered or belongs elsewhere.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> dataKey, string recordId, long version)
    {
        if (blob.Length < NonceSize + TagSize) throw new VaultCryptoException("ciphertext is truncated");
        var length = blob.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(dataKey, TagSize);
            aes.Decrypt(blob[..NonceSize], blob.Slice(NonceSize, length), blob[(NonceSize + length)..], plaintext, Aad(recordId, version));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new VaultCryptoException("ciphertext does not decrypt: it was altered, or belongs to another record or version");
        }
    }

    private static byte[] Aad(string recordId, long version) => Encoding.UTF8.GetBytes($"careledger/record/v1/{recordId}/{version}");
}

/// <summary>A ciphertext or wrapped key that does not open.</summary>
public sealed class VaultCryptoException(string message) : Exception(message);

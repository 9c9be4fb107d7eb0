using System.Security.Cryptography;
using System.Text;

namespace CareLedger.Vault.Crypto;

/// <summary>
/// Envelope encryption of one record version: AES-256-GCM under the record's data key, a fresh
/// 96-bit nonce per version, and the record id and version as associated data, so a ciphertext
/// cannot be passed off as another record or version. Blob layout: nonce(12) || ciphertext || tag(16).
/// The format is built here once; the cipher itself comes from the platform (<see cref="IRecordCrypto"/>).
/// </summary>
public static class RecordCipher
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static async ValueTask<byte[]> EncryptAsync(IRecordCrypto crypto, byte[] plaintext, byte[] dataKey, string recordId, long version)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var sealedText = await crypto.EncryptAsync(dataKey, nonce, plaintext, Aad(recordId, version));
        return [.. nonce, .. sealedText];
    }

    /// <summary>Decrypts a blob; throws <see cref="VaultCryptoException"/> if it was altered or belongs elsewhere.</summary>
    public static async ValueTask<byte[]> DecryptAsync(IRecordCrypto crypto, byte[] blob, byte[] dataKey, string recordId, long version)
    {
        if (blob.Length < NonceSize + TagSize) throw new VaultCryptoException("ciphertext is truncated");
        try { return await crypto.DecryptAsync(dataKey, blob[..NonceSize], blob[NonceSize..], Aad(recordId, version)); }
        catch (VaultCryptoException)
        {
            throw new VaultCryptoException("ciphertext does not decrypt: it was altered, or belongs to another record or version");
        }
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> dataKey, string recordId, long version) =>
        EncryptAsync(DotNetRecordCrypto.Instance, plaintext.ToArray(), dataKey.ToArray(), recordId, version).Completed();

    public static byte[] Decrypt(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> dataKey, string recordId, long version) =>
        DecryptAsync(DotNetRecordCrypto.Instance, blob.ToArray(), dataKey.ToArray(), recordId, version).Completed();

    private static byte[] Aad(string recordId, long version) => Encoding.UTF8.GetBytes($"careledger/record/v1/{recordId}/{version}");
}

/// <summary>A ciphertext or wrapped key that does not open.</summary>
public sealed class VaultCryptoException(string message) : Exception(message);

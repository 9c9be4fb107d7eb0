using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;

namespace CareLedger.Portal.Crypto;

/// <summary>The record primitives on WebCrypto, for the browser, where .NET's cryptography only hashes.</summary>
public sealed class WebCryptoRecordCrypto(KeysModule keys) : IRecordCrypto
{
    private const int SecretSize = 32;

    public async ValueTask<byte[]> EncryptAsync(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) =>
        await keys.CallAsync<byte[]>("aesGcmEncrypt", key, nonce, plaintext, associatedData);

    public async ValueTask<byte[]> DecryptAsync(byte[] key, byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData)
    {
        if (ciphertextAndTag.Length < 16) throw new VaultCryptoException("ciphertext is truncated");
        try { return await keys.CallAsync<byte[]>("aesGcmDecrypt", key, nonce, ciphertextAndTag, associatedData); }
        catch (KeyStoreException e) { throw new VaultCryptoException(e.Message); }
    }

    public async ValueTask<(byte[] EphemeralPublicKey, byte[] Secret)> AgreeEphemeralAsync(byte[] peerPublicKey)
    {
        byte[] both;
        try { both = await keys.CallAsync<byte[]>("agreeEphemeral", peerPublicKey); }
        catch (KeyStoreException) { throw new VaultCryptoException("the reader's public key is not a P-256 key"); }
        // keys.js answers SPKI || secret in one buffer: one transfer instead of a JSON object of two.
        return (both[..^SecretSize], both[^SecretSize..]);
    }

    public async ValueTask<byte[]> HkdfAsync(byte[] secret, byte[] salt, byte[] info, int length) =>
        await keys.CallAsync<byte[]>("hkdf", secret, salt, info, length);
}

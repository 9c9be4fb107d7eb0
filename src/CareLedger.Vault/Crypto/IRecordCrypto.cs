using System.Security.Cryptography;

namespace CareLedger.Vault.Crypto;

/// <summary>
/// The primitives record envelopes are made of, from whichever platform runs them: .NET's in a process
/// (<see cref="DotNetRecordCrypto"/>), WebCrypto's in a browser (the portal). <see cref="RecordCipher"/> and
/// <see cref="KeyWrap"/> build the formats on top, once, for both. Asynchronous because WebCrypto is.
/// </summary>
public interface IRecordCrypto
{
    /// <summary>AES-256-GCM with a 128-bit tag; returns ciphertext || tag.</summary>
    ValueTask<byte[]> EncryptAsync(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData);

    /// <summary>Opens ciphertext || tag; throws <see cref="VaultCryptoException"/> when it does not authenticate.</summary>
    ValueTask<byte[]> DecryptAsync(byte[] key, byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData);

    /// <summary>A fresh P-256 key pair agrees a secret with <paramref name="peerPublicKey"/> and is forgotten: its public key (SPKI) and the raw secret.</summary>
    ValueTask<(byte[] EphemeralPublicKey, byte[] Secret)> AgreeEphemeralAsync(byte[] peerPublicKey);

    /// <summary>HKDF-SHA256 (RFC 5869) of <paramref name="length"/> bytes.</summary>
    ValueTask<byte[]> HkdfAsync(byte[] secret, byte[] salt, byte[] info, int length);
}

/// <summary>The record primitives of .NET's System.Security.Cryptography; every call completes synchronously.</summary>
public sealed class DotNetRecordCrypto : IRecordCrypto
{
    public static readonly DotNetRecordCrypto Instance = new();
    private const int TagSize = 16;

    public ValueTask<byte[]> EncryptAsync(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData)
    {
        var output = new byte[plaintext.Length + TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return ValueTask.FromResult(output);
    }

    public ValueTask<byte[]> DecryptAsync(byte[] key, byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData)
    {
        if (ciphertextAndTag.Length < TagSize) throw new VaultCryptoException("ciphertext is truncated");
        var length = ciphertextAndTag.Length - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertextAndTag.AsSpan(0, length), ciphertextAndTag.AsSpan(length), plaintext, associatedData);
            return ValueTask.FromResult(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new VaultCryptoException("ciphertext does not authenticate");
        }
    }

    public ValueTask<(byte[] EphemeralPublicKey, byte[] Secret)> AgreeEphemeralAsync(byte[] peerPublicKey)
    {
        using var peer = ECDiffieHellman.Create();
        try { peer.ImportSubjectPublicKeyInfo(peerPublicKey, out _); }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw new VaultCryptoException("the reader's public key is not a P-256 key");
        }
        if (peer.KeySize != 256) throw new VaultCryptoException("the reader's public key is not a P-256 key");
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return ValueTask.FromResult((ephemeral.ExportSubjectPublicKeyInfo(), ephemeral.DeriveRawSecretAgreement(peer.PublicKey)));
    }

    public ValueTask<byte[]> HkdfAsync(byte[] secret, byte[] salt, byte[] info, int length) =>
        ValueTask.FromResult(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, length, salt, info));
}

internal static class CompletedTasks
{
    /// <summary>
    /// The result of a task that has already finished: the synchronous forms of the record formats run them over
    /// <see cref="DotNetRecordCrypto"/>, whose every step completes at once, so nothing blocks.
    /// </summary>
    public static T Completed<T>(this ValueTask<T> task) =>
        task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("a synchronous record operation met an asynchronous primitive");
}

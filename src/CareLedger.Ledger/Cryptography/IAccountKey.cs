namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// The private half of an account, wherever it is kept: in this process (<see cref="SigningKey"/>), or in a browser's
/// WebCrypto as a non-extractable key (the portal). Everything the SDK does with a person's key goes through here, so
/// the CLI and the portal share every code path above it. Asynchronous because WebCrypto is.
/// </summary>
public interface IAccountKey
{
    /// <summary>The SubjectPublicKeyInfo (DER) of the public key.</summary>
    byte[] PublicKey { get; }

    AccountId Account { get; }

    /// <summary>
    /// ECDSA P-256 over SHA-256(<paramref name="message"/>), as IEEE P1363 (r || s) in its low-S form. The message, not
    /// its digest, is what is signed: WebCrypto hashes for itself.
    /// </summary>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> message);

    /// <summary>The raw ECDH secret (the shared point's x, 32 bytes) between this key and a P-256 public key (SPKI).</summary>
    ValueTask<byte[]> AgreeAsync(ReadOnlyMemory<byte> peerPublicKey);
}

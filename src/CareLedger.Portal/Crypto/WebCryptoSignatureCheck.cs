using CareLedger.Ledger.Cryptography;

namespace CareLedger.Portal.Crypto;

/// <summary>Signature checks on WebCrypto (receipts and proofs verified in the page), as strict as .NET's.</summary>
public sealed class WebCryptoSignatureCheck(KeysModule keys) : ISignatureCheck
{
    /// <summary>WebCrypto accepts a high-S twin too; the ledger does not (<see cref="SignatureVerifier.Verify"/>), so neither does this.</summary>
    public async ValueTask<bool> VerifyAsync(byte[] publicKey, byte[] message, byte[] signature) =>
        signature.Length == SignatureVerifier.SignatureSize && LowS.IsLow(signature)
        && await keys.CallAsync<bool>("verify", publicKey, message, signature);
}

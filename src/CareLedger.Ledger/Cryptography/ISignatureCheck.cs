namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// Checks an ECDSA P-256 signature (IEEE P1363) over SHA-256 of a message, wherever the check runs: .NET's in a process
/// (<see cref="DotNetSignatureCheck"/>), WebCrypto's in a browser (the portal verifies receipts in the page). Callers
/// require the low-S form themselves (<see cref="LowS.IsLow"/>): WebCrypto accepts either.
/// </summary>
public interface ISignatureCheck
{
    ValueTask<bool> VerifyAsync(byte[] publicKey, byte[] message, byte[] signature);
}

public sealed class DotNetSignatureCheck : ISignatureCheck
{
    public static readonly DotNetSignatureCheck Instance = new();

    public ValueTask<bool> VerifyAsync(byte[] publicKey, byte[] message, byte[] signature) =>
        ValueTask.FromResult(SignatureVerifier.Verify(publicKey, Hash256.Of(message), signature));
}

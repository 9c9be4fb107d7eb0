using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Verification;

/// <summary>
/// A directory group's complete entries, the path of the group to a block header's directory root, and the validators'
/// signatures over that header: what lets a client use a list (an organisation's staff, the validators) without taking
/// the node's word for it (docs/adr/0016).
/// </summary>
public sealed record SignedDirectoryProof(BlockHeader Header, DirectoryProof Proof, IReadOnlyList<BlockSignature> Signatures)
{
    /// <summary>
    /// Null when the entries are the group's whole content under the header and at least <paramref name="quorum"/> of
    /// <paramref name="trustedValidators"/> signed that header; otherwise why not.
    /// </summary>
    public async ValueTask<string?> VerifyAsync(ISignatureCheck signatures, IReadOnlySet<AccountId> trustedValidators, int quorum)
    {
        if (Proof.Check(Header.DirectoryRoot) is { } wrong) return wrong;
        var (error, signers) = await HeaderQuorum.SignersAsync(Header, Signatures, signatures, trustedValidators);
        if (error is not null) return error;
        return signers.Count >= quorum ? null
            : $"block {Header.Height} carries {signers.Count} signature(s) of the validators this client trusts; {quorum} are required";
    }
}

/// <summary>The validators' signatures over a header, checked the same way for receipts and directory proofs.</summary>
public static class HeaderQuorum
{
    /// <summary>
    /// The distinct signers among <paramref name="trusted"/> (all signers when null) whose signatures verify; an error
    /// when any signature, trusted or not, fails to verify or is not in low-S form.
    /// </summary>
    public static async ValueTask<(string? Error, IReadOnlyList<AccountId> Signers)> SignersAsync(BlockHeader header, IReadOnlyList<BlockSignature> signatures,
        ISignatureCheck check, IReadOnlySet<AccountId>? trusted)
    {
        var encoded = header.Encode();
        var signers = new List<AccountId>();
        foreach (var sig in signatures)
        {
            var valid = sig.Signature.Length == SignatureVerifier.SignatureSize && LowS.IsLow(sig.Signature) && await check.VerifyAsync(sig.ValidatorKey, encoded, sig.Signature);
            if (!valid) return ($"signature of validator {sig.Validator} does not verify", []);
            if (trusted is null || trusted.Contains(sig.Validator)) signers.Add(sig.Validator);
        }
        return (null, signers.Distinct().ToList());
    }
}

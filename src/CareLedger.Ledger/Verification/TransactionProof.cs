using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Verification;

/// <summary>
/// A Merkle receipt: one transaction, its result, the path to its block's transactions root,
/// the block header and the validators' signatures over it. It verifies offline.
/// </summary>
public sealed record TransactionProof(BlockHeader Header, byte[] Transaction, TxResult Result, IReadOnlyList<MerkleStep> Path, IReadOnlyList<BlockSignature> Signatures)
{
    public static TransactionProof Build(Block block, int index) => new(
        block.Header,
        block.Transactions[index].Encode(),
        block.Results[index],
        MerkleTree.Path(Block.Leaves(block.Transactions, block.Results, null), index),
        block.Signatures);

    /// <summary>
    /// Checks the proof. With <paramref name="trustedValidators"/>, at least <paramref name="quorum"/>
    /// of them must have signed; without, any valid signature is reported but trust is the caller's call.
    /// </summary>
    public ProofVerdict Verify(IReadOnlySet<AccountId>? trustedValidators = null, int quorum = 1)
    {
        var verdict = VerifyAsync(DotNetSignatureCheck.Instance, trustedValidators, quorum);
        return verdict.IsCompleted ? verdict.Result : throw new InvalidOperationException("the in-process signature check completes at once");
    }

    /// <summary>The same check, with signatures verified by <paramref name="signatures"/> (a browser's WebCrypto, say).</summary>
    public async ValueTask<ProofVerdict> VerifyAsync(ISignatureCheck signatures, IReadOnlySet<AccountId>? trustedValidators = null, int quorum = 1)
    {
        if (!Transactions.Transaction.TryDecode(Transaction, out var tx, out var error)) return ProofVerdict.Fail($"transaction: {error}");
        if (!await VerifiesAsync(signatures, tx!.SenderKey, tx.Body, tx.Signature)) return ProofVerdict.Fail("the transaction's signature does not verify");
        var leaf = TxResult.Leaf(tx.Id, Result.Encode());
        if (MerkleTree.RootFromPath(leaf, Path) != Header.TransactionsRoot)
            return ProofVerdict.Fail("the Merkle path does not lead to the block's transactions root");
        var (badSignature, distinct) = await HeaderQuorum.SignersAsync(Header, Signatures, signatures, trustedValidators);
        if (badSignature is not null) return ProofVerdict.Fail(badSignature);
        if (distinct.Count < quorum)
            return ProofVerdict.Fail($"{distinct.Count} trusted validator signature(s); {quorum} required");
        return new ProofVerdict(true, null, tx.Id, distinct);
    }

    private static async ValueTask<bool> VerifiesAsync(ISignatureCheck check, byte[] key, byte[] message, byte[] signature) =>
        signature.Length == SignatureVerifier.SignatureSize && LowS.IsLow(signature) && await check.VerifyAsync(key, message, signature);

    /// <summary>
    /// Checks the proof against a chain replayed up to its block's parent (<see cref="ChainChecker.ReplayAsync"/>
    /// of blocks <c>0 … height - 1</c>): the block must extend that chain, and at least <paramref name="quorum"/>
    /// (default: a strict majority) of the validators of its height, as the chain's votes left them, must have signed it.
    /// </summary>
    public ProofVerdict VerifyOn(ChainReport parentChain, int? quorum = null)
    {
        if (!parentChain.Valid || parentChain.NextValidators is not { } validators)
            return ProofVerdict.Fail($"the chain to check it against does not verify: {parentChain.Reason}");
        if (parentChain.BlocksChecked != Header.Height)
            return ProofVerdict.Fail($"the chain to check it against ends at block {parentChain.BlocksChecked - 1}, not at block {Header.Height - 1}, the parent of the proof's block");
        if (parentChain.HeadHash != Header.PreviousHash)
            return ProofVerdict.Fail($"the proof's block {Header.Height} does not extend that chain: its parent is not the chain's block {Header.Height - 1}");
        return Verify(validators, quorum ?? validators.Count / 2 + 1);
    }
}

public sealed record ProofVerdict(bool Valid, string? Reason, Hash256 TxId, IReadOnlyList<AccountId> Signers)
{
    public static ProofVerdict Fail(string reason) => new(false, reason, default, []);
}

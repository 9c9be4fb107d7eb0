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
        if (!Transactions.Transaction.TryDecode(Transaction, out var tx, out var error)) return ProofVerdict.Fail($"transaction: {error}");
        if (!tx!.VerifySignature()) return ProofVerdict.Fail("the transaction's signature does not verify");
        var leaf = TxResult.Leaf(tx.Id, Result.Encode());
        if (MerkleTree.RootFromPath(leaf, Path) != Header.TransactionsRoot)
            return ProofVerdict.Fail("the Merkle path does not lead to the block's transactions root");
        var hash = Header.Hash();
        var signers = new List<AccountId>();
        foreach (var sig in Signatures)
        {
            if (!sig.Verify(hash)) return ProofVerdict.Fail($"signature of validator {sig.Validator} does not verify");
            if (trustedValidators is null || trustedValidators.Contains(sig.Validator)) signers.Add(sig.Validator);
        }
        var distinct = signers.Distinct().ToList();
        if (distinct.Count < quorum)
            return ProofVerdict.Fail($"{distinct.Count} trusted validator signature(s); {quorum} required");
        return new ProofVerdict(true, null, tx.Id, distinct);
    }
}

public sealed record ProofVerdict(bool Valid, string? Reason, Hash256 TxId, IReadOnlyList<AccountId> Signers)
{
    public static ProofVerdict Fail(string reason) => new(false, reason, default, []);
}

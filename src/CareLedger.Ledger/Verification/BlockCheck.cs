using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using static CareLedger.Ledger.Verification.BlockVerdict;

namespace CareLedger.Ledger.Verification;

/// <summary>
/// The checks of one block, shared by everything that accepts blocks: a follower applying the log,
/// a node catching up from peers, the start-up check of a node's own store and <c>chain verify</c>.
/// Each is a pure function returning a <see cref="BlockVerdict"/>; callers choose which apply.
/// </summary>
public static class BlockCheck
{
    /// <summary>The block fits <paramref name="parent"/>: next height, parent hash, time not before the parent's, no genesis, one result per transaction.</summary>
    public static BlockVerdict Links(BlockHeader parent, Block block)
    {
        if (block.Height != parent.Height + 1) return Fail(BlockFault.BrokenLink, $"expected height {parent.Height + 1}");
        if (block.Header.PreviousHash != parent.Hash()) return Fail(BlockFault.BrokenLink, "it does not link to its parent (different previous hash)");
        if (block.Genesis is not null) return Fail(BlockFault.BrokenLink, "only block 0 may carry a genesis document");
        if (block.Header.Time < parent.Time) return Fail(BlockFault.BrokenLink, "its time is before its parent's");
        if (block.Results.Count != block.Transactions.Count) return Fail(BlockFault.BrokenLink, "results and transactions differ in number");
        return Pass;
    }

    /// <summary>
    /// The block's time is not after <paramref name="latestTime"/>: the checking node's clock plus the skew the consortium
    /// allows, so that no one validator's clock sets the chain's time (docs/adr/0012).
    /// </summary>
    public static BlockVerdict NotAhead(Block block, long latestTime) =>
        block.Header.Time <= latestTime ? Pass
            : Fail(BlockFault.AheadOfClock, $"its time {block.Header.Time} is {block.Header.Time - latestTime} ms beyond the latest this node accepts now ({latestTime})");

    /// <summary>The header's transactions root is the Merkle root of the body's transactions and stored results.</summary>
    public static BlockVerdict Contents(Block block) =>
        MerkleTree.Root(Block.Leaves(block.Transactions, block.Results, block.Genesis)) == block.Header.TransactionsRoot
            ? Pass
            : Fail(BlockFault.WrongContents, "its transactions and results do not match its header's transactions root");

    /// <summary>
    /// The proposer is one of <paramref name="validators"/> and signed the block (block 0 has no proposer).
    /// <paramref name="strict"/>: every signature must verify and be a validator's (a stored block);
    /// otherwise others are left out (a block from the log, which only its proposer's signature vouches for).
    /// With <paramref name="validators"/> null (no state to read them from) membership is not checked.
    /// </summary>
    /// <returns>The verdict, and the distinct validators' signatures that verify.</returns>
    public static (BlockVerdict Verdict, IReadOnlyList<BlockSignature> Valid) Signatures(Block block, IReadOnlySet<AccountId>? validators, bool strict)
    {
        var proposer = block.Header.Proposer;
        if (block.Height > 0 && validators is not null && !validators.Contains(proposer))
            return (Fail(BlockFault.BadProposer, $"its proposer {proposer} is not a validator"), []);
        var hash = block.Hash;
        var valid = new List<BlockSignature>(block.Signatures.Count);
        var signers = new HashSet<AccountId>();
        foreach (var signature in block.Signatures)
        {
            var signer = signature.Validator;
            if (validators is not null && !validators.Contains(signer))
            {
                if (strict) return (Fail(BlockFault.BadValidatorSignature, $"signed by {signer}, who is not a validator at this height"), []);
                continue;
            }
            if (!signature.Verify(hash))
            {
                if (strict) return (Fail(BlockFault.BadValidatorSignature, $"the signature of validator {signer} does not verify"), []);
                continue;
            }
            if (signers.Add(signer)) valid.Add(signature);
        }
        if (block.Height > 0 && !signers.Contains(proposer)) return (Fail(BlockFault.BadProposer, "it carries no valid signature of its proposer"), []);
        return (Pass, valid);
    }

    /// <summary>Every transaction's signature verifies, checked in parallel; <paramref name="alreadyVerified"/> names those checked at admission.</summary>
    public static BlockVerdict TransactionSignatures(Block block, Func<Hash256, bool>? alreadyVerified = null)
    {
        var txs = block.Transactions;
        var bad = int.MaxValue;
        Parallel.For(0, txs.Count, i =>
        {
            if (alreadyVerified?.Invoke(txs[i].Id) == true || txs[i].VerifySignature()) return;
            int current;
            while (i < (current = Volatile.Read(ref bad)) && Interlocked.CompareExchange(ref bad, i, current) != current) { }
        });
        return bad == int.MaxValue ? Pass
            : Fail(BlockFault.BadTransactionSignature, $"transaction {bad} ({txs[bad].Id}) has a signature that does not verify");
    }

    /// <summary>Executing the block's transactions gave exactly its header: results and state commitment included.</summary>
    public static BlockVerdict Reproduces(ExecutedBlock executed, Block block)
    {
        var ours = executed.Header;
        var theirs = block.Header;
        if (ours.Hash() == block.Hash) return Pass;
        if (ours.StateRoot != theirs.StateRoot && ours.TransactionsRoot == theirs.TransactionsRoot)
            return Fail(BlockFault.Divergent, $"executing it gives state root {ours.StateRoot}, the block says {theirs.StateRoot}");
        if (ours.DirectoryRoot != theirs.DirectoryRoot && ours.TransactionsRoot == theirs.TransactionsRoot)
            return Fail(BlockFault.Divergent, $"executing it gives directory root {ours.DirectoryRoot}, the block says {theirs.DirectoryRoot}");
        for (var i = 0; i < block.Results.Count; i++)
            if (!block.Results[i].Encode().AsSpan().SequenceEqual(executed.Results[i].Encode()))
                return Fail(BlockFault.Divergent, $"executing it gives another result for transaction {i} (transactions root {ours.TransactionsRoot} against {theirs.TransactionsRoot})");
        if (ours.TransactionsRoot != theirs.TransactionsRoot)
            return Fail(BlockFault.WrongContents, "its transactions and results do not match its header's transactions root");
        return Fail(BlockFault.Divergent, "executing it gives another header");
    }
}

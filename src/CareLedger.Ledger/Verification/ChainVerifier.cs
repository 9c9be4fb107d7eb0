using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Verification;

/// <summary>The verdict of a full chain verification.</summary>
public sealed record ChainReport(bool Valid, ulong BlocksChecked, ulong TransactionsChecked, ulong? FirstBadHeight, string? Reason, Hash256 StateRoot)
{
    public MemoryState? State { get; init; }
}

/// <summary>
/// Verifies a chain trusting nothing but its genesis block and the contracts: every hash link,
/// Merkle root, transaction and validator signature and nonce, by replaying every block into a
/// fresh state and recomputing each result and state commitment.
/// </summary>
public sealed class ChainVerifier(Func<GenesisDocument, ContractRuntime> runtimeFor)
{
    public ChainReport Verify(IEnumerable<StoredBlock> blocks, Action<ulong>? progress = null)
    {
        var state = new MemoryState();
        BlockHeader? parent = null;
        BlockExecutor? executor = null;
        IReadOnlySet<AccountId> validators = new HashSet<AccountId>();
        ulong txCount = 0, count = 0;
        ulong expected = 0;

        ChainReport Bad(ulong height, string reason) => new(false, count, txCount, height, reason, parent?.StateRoot ?? Hash256.Zero);

        foreach (var stored in blocks)
        {
            if (stored.Height != expected) return Bad(expected, $"block {expected} is missing");
            Block block;
            try { block = Block.Decode(stored.Header, stored.Body); }
            catch (FormatException e) { return Bad(stored.Height, e.Message); }
            if (block.Height != stored.Height) return Bad(stored.Height, $"header says height {block.Height}");

            ExecutedBlock executed;
            if (block.Height == 0)
            {
                if (block.Genesis is null) return Bad(0, "block 0 carries no genesis document");
                GenesisDocument genesis;
                try { genesis = GenesisDocument.Decode(block.Genesis); }
                catch (Exception e) when (e is Encoding.CborMapException or FormatException) { return Bad(0, $"genesis: {e.Message}"); }
                validators = genesis.ValidatorAccounts;
                executor = new BlockExecutor(runtimeFor(genesis));
                try { executed = executor.ExecuteGenesis(genesis); }
                catch (Exception e) when (e is Encoding.CborMapException or FormatException or InvalidOperationException)
                {
                    return Bad(0, $"genesis: {e.Message}");
                }
            }
            else
            {
                if (block.Genesis is not null) return Bad(block.Height, "only block 0 may carry a genesis document");
                if (block.Results.Count != block.Transactions.Count) return Bad(block.Height, "results do not match transactions");
                if (block.Header.PreviousHash != parent!.Hash()) return Bad(block.Height, "previous-hash link is broken");
                if (block.Header.Time < parent.Time) return Bad(block.Height, "block time goes backwards");
                var badSig = FirstBadSignature(block.Transactions);
                if (badSig >= 0) return Bad(block.Height, $"transaction {badSig} has a bad signature");
                executed = executor!.Execute(state, parent, block.Transactions, block.Header.Time, block.Header.Proposer);
                for (var i = 0; i < block.Results.Count; i++)
                    if (!block.Results[i].Encode().AsSpan().SequenceEqual(executed.Results[i].Encode()))
                        return Bad(block.Height, $"transaction {i}: stored result differs from replay");
            }

            if (executed.Header.TransactionsRoot != block.Header.TransactionsRoot) return Bad(block.Height, "Merkle root does not match the transactions");
            if (executed.Header.StateRoot != block.Header.StateRoot) return Bad(block.Height, "state commitment does not match the replayed state");
            if (executed.Header != block.Header) return Bad(block.Height, "header does not match the replayed block");
            if (block.Signatures.Count == 0) return Bad(block.Height, "block has no validator signature");
            var hash = block.Hash;
            foreach (var sig in block.Signatures)
            {
                if (!validators.Contains(sig.Validator)) return Bad(block.Height, $"signed by {sig.Validator}, who is not a validator");
                if (!sig.Verify(hash)) return Bad(block.Height, $"validator signature of {sig.Validator} does not verify");
            }

            state.Apply(executed.Writes);
            parent = block.Header;
            txCount += (ulong)block.Transactions.Count;
            count++;
            expected++;
            progress?.Invoke(block.Height);
        }

        if (parent is null) return new ChainReport(false, 0, 0, 0, "the chain is empty", Hash256.Zero);
        return new ChainReport(true, count, txCount, null, null, parent.StateRoot) { State = state };
    }

    private static int FirstBadSignature(IReadOnlyList<Transaction> txs)
    {
        var bad = int.MaxValue;
        Parallel.For(0, txs.Count, i =>
        {
            if (!txs[i].VerifySignature()) InterlockedMin(ref bad, i);
        });
        return bad == int.MaxValue ? -1 : bad;
    }

    private static void InterlockedMin(ref int target, int value)
    {
        int current;
        while (value < (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

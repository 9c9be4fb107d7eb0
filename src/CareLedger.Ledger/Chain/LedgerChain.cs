using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Chain;

/// <summary>
/// One node's copy of the chain: executes ordered batches into blocks, signs them with the
/// node's validator key and makes them durable. Not thread-safe: one orderer drives it.
/// </summary>
public sealed class LedgerChain
{
    private readonly ILedgerStore _store;
    private readonly BlockExecutor _executor;
    private readonly SigningKey _validatorKey;

    public LedgerChain(ILedgerStore store, BlockExecutor executor, SigningKey validatorKey, GenesisDocument genesis)
    {
        _store = store;
        _executor = executor;
        _validatorKey = validatorKey;
        Genesis = genesis;
        if (store.Head is null)
        {
            var block0 = executor.ExecuteGenesis(genesis);
            store.Append(block0.ToBlock([Sign(block0.Header)]), block0.Writes);
        }
        else if (store.GetBlock(0)?.Genesis is not { } stored || !stored.AsSpan().SequenceEqual(genesis.Encode()))
        {
            throw new InvalidOperationException("the data folder holds a chain started from a different genesis document");
        }
    }

    public GenesisDocument Genesis { get; }
    public ILedgerStore Store => _store;
    public BlockHeader Head => _store.Head!;
    public AccountId Validator => _validatorKey.Account;

    /// <summary>Raised after a block is durable, on the thread that committed it.</summary>
    public event Action<Block>? BlockCommitted;

    /// <summary>Executes, signs and stores the next block. Block time never goes backwards.</summary>
    public Block CommitBatch(IReadOnlyList<Transaction> txs, long proposedTime)
    {
        var head = Head;
        var time = Math.Max(proposedTime, head.Time);
        var executed = _executor.Execute(_store.ExecutionState, head, txs, time, _validatorKey.Account);
        var block = executed.ToBlock([Sign(executed.Header)]);
        _store.Append(block, executed.Writes);
        BlockCommitted?.Invoke(block);
        return block;
    }

    /// <summary>
    /// Executes a batch as the next block with this node as proposer and signs it, without storing
    /// it: a consortium leader replicates the block first, then calls <see cref="CommitProposed"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="parent"/> (a proposal still being replicated) the block extends that
    /// one instead of the head, executed on the head's state plus the parent's writes, so a leader
    /// can prepare block n+1 while block n is in flight.
    /// </remarks>
    public Proposal Propose(IReadOnlyList<Transaction> txs, long proposedTime, Proposal? parent = null)
    {
        var head = parent?.Block.Header ?? Head;
        IStateReader state = _store.ExecutionState;
        if (parent is not null)
        {
            var overlay = new StateOverlay(state);
            foreach (var (key, value) in parent.Executed.Writes)
                if (value is null) overlay.Delete(key); else overlay.Set(key, value);
            state = overlay;
        }
        var time = Math.Max(proposedTime, head.Time);
        var executed = _executor.Execute(state, head, txs, time, _validatorKey.Account);
        return new Proposal(executed.ToBlock([Sign(executed.Header)]), executed);
    }

    /// <summary>Stores a block this node proposed, once consensus has ordered it.</summary>
    public void CommitProposed(Proposal proposal)
    {
        if (proposal.Block.Header.PreviousHash != Head.Hash())
            throw new InvalidOperationException($"proposal for height {proposal.Block.Height} no longer extends the head");
        _store.Append(proposal.Block, proposal.Executed.Writes);
        BlockCommitted?.Invoke(proposal.Block);
    }

    /// <summary>
    /// Checks a block another validator proposed and consensus ordered, executes it on our own
    /// state and stores it with our signature added, only if our execution gives exactly the same
    /// header (results and state commitment included). Throws <see cref="BlockRejectedException"/>
    /// otherwise and stores nothing: the caller must stop, not diverge.
    /// <paramref name="alreadyVerified"/> names transactions whose signatures this node checked at admission.
    /// </summary>
    /// <returns>The block as stored, and the state writes it made.</returns>
    public (Block Block, IReadOnlyList<KeyValuePair<string, byte[]?>> Writes) ApplyReplicated(Block proposed, IReadOnlySet<AccountId> validators, Func<Hash256, bool>? alreadyVerified = null)
    {
        var head = Head;
        var height = proposed.Height;
        if (height != head.Height + 1) throw new BlockRejectedException(height, $"expected height {head.Height + 1}");
        if (proposed.Header.PreviousHash != head.Hash()) throw new BlockRejectedException(height, "it does not extend our head (different parent hash)");
        if (proposed.Genesis is not null) throw new BlockRejectedException(height, "only block 0 may carry a genesis document");
        if (proposed.Header.Time < head.Time) throw new BlockRejectedException(height, "its time is before its parent's");
        if (!validators.Contains(proposed.Header.Proposer)) throw new BlockRejectedException(height, $"its proposer {proposed.Header.Proposer} is not a validator");
        var hash = proposed.Hash;
        if (!proposed.Signatures.Any(s => s.Validator == proposed.Header.Proposer && s.Verify(hash)))
            throw new BlockRejectedException(height, "it carries no valid signature of its proposer");
        if (proposed.Results.Count != proposed.Transactions.Count) throw new BlockRejectedException(height, "results and transactions differ in number");
        var bad = -1;
        Parallel.For(0, proposed.Transactions.Count, (i, loop) =>
        {
            var tx = proposed.Transactions[i];
            if (alreadyVerified?.Invoke(tx.Id) == true || tx.VerifySignature()) return;
            Interlocked.CompareExchange(ref bad, i, -1);
            loop.Stop();
        });
        if (bad >= 0) throw new BlockRejectedException(height, $"transaction {bad} ({proposed.Transactions[bad].Id}) has a signature that does not verify");

        var executed = _executor.Execute(_store.ExecutionState, head, proposed.Transactions, proposed.Header.Time, proposed.Header.Proposer);
        if (executed.Header.Hash() != hash)
            throw new BlockRejectedException(height, Difference(executed.Header, proposed.Header), divergent: true);
        var signatures = proposed.Signatures.Where(s => s.Validator != Validator && validators.Contains(s.Validator) && s.Verify(hash))
            .DistinctBy(s => s.Validator).ToList();
        if (validators.Contains(Validator)) signatures.Add(Sign(executed.Header));
        var block = executed.ToBlock(signatures);
        _store.Append(block, executed.Writes);
        BlockCommitted?.Invoke(block);
        return (block, executed.Writes);
    }

    private static string Difference(BlockHeader ours, BlockHeader theirs) =>
        ours.StateRoot != theirs.StateRoot ? $"our execution gives state root {ours.StateRoot}, the proposer's header says {theirs.StateRoot}"
        : ours.TransactionsRoot != theirs.TransactionsRoot ? $"our transaction results differ (transactions root {ours.TransactionsRoot} against {theirs.TransactionsRoot})"
        : "our header differs from the proposer's";

    private BlockSignature Sign(BlockHeader header) => new(_validatorKey.PublicKey, _validatorKey.Sign(header.Hash()));
}

/// <summary>A block this node executed and signed as proposer, with the state writes to store once it is ordered.</summary>
public sealed record Proposal(Block Block, ExecutedBlock Executed);

/// <summary>A replicated block this node refuses: invalid, or (when <see cref="Divergent"/>) valid but with results our execution does not reproduce.</summary>
public sealed class BlockRejectedException(ulong height, string reason, bool divergent = false)
    : Exception($"block {height} refused: {reason}")
{
    public ulong Height { get; } = height;
    public string Reason { get; } = reason;
    public bool Divergent { get; } = divergent;
}

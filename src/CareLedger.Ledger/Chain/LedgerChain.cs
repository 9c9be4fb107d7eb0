using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Chain;

/// <summary>
/// One node's copy of the chain: executes ordered batches into blocks, signs them with the
/// node's validator key and makes them durable. Not thread-safe: one orderer drives it. Executing is
/// synchronous (contracts read state as they run); storing a block is the one await in each step.
/// </summary>
public sealed class LedgerChain
{
    private readonly ILedgerStore _store;
    private readonly BlockExecutor _executor;
    private readonly SigningKey _validatorKey;

    private LedgerChain(ILedgerStore store, BlockExecutor executor, SigningKey validatorKey, GenesisDocument genesis)
    {
        _store = store;
        _executor = executor;
        _validatorKey = validatorKey;
        Genesis = genesis;
    }

    /// <summary>
    /// The chain on <paramref name="store"/>: an empty store first gets block 0 from <paramref name="genesis"/>;
    /// one holding a chain must have started from the same genesis document.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store holds a chain started from a different genesis document.</exception>
    public static async Task<LedgerChain> OpenAsync(ILedgerStore store, BlockExecutor executor, SigningKey validatorKey, GenesisDocument genesis, CancellationToken ct)
    {
        var chain = new LedgerChain(store, executor, validatorKey, genesis);
        if (store.Head is null)
        {
            // Only a genesis validator vouches for block 0; a node whose organisation joins later stores it unsigned.
            var block0 = executor.ExecuteGenesis(genesis);
            await store.AppendAsync(block0.ToBlock(genesis.ValidatorAccounts.Contains(validatorKey.Account) ? [chain.Sign(block0.Header)] : []), block0.Writes, ct);
        }
        else if ((await store.GetBlockAsync(0, ct))?.Genesis is not { } stored || !stored.AsSpan().SequenceEqual(genesis.Encode()))
        {
            throw new InvalidOperationException("the data folder holds a chain started from a different genesis document");
        }
        return chain;
    }

    public GenesisDocument Genesis { get; }
    public ILedgerStore Store => _store;
    public BlockHeader Head => _store.Head!;
    public AccountId Validator => _validatorKey.Account;

    /// <summary>When the last block committed was executed and stored (for traces; read on the thread that committed it).</summary>
    public BlockTimings LastTimings { get; private set; }

    /// <summary>Raised after a block is durable, on the thread that committed it.</summary>
    public event Action<Block>? BlockCommitted;

    /// <summary>Executes, signs and stores the next block. Block time never goes backwards.</summary>
    public async Task<Block> CommitBatchAsync(IReadOnlyList<Transaction> txs, long proposedTime, CancellationToken ct)
    {
        var head = Head;
        var time = Math.Max(proposedTime, head.Time);
        var executeStart = DateTimeOffset.UtcNow;
        var executed = _executor.Execute(_store.ExecutionState, head, txs, time, _validatorKey.Account);
        var block = executed.ToBlock([Sign(executed.Header)]);
        var storeStart = DateTimeOffset.UtcNow;
        await _store.AppendAsync(block, executed.Writes, ct);
        LastTimings = new BlockTimings(executeStart, storeStart, storeStart, DateTimeOffset.UtcNow, Ordered: false);
        BlockCommitted?.Invoke(block);
        return block;
    }

    /// <summary>
    /// Executes a batch as the next block with this node as proposer and signs it, without storing
    /// it: a consortium leader replicates the block first, then calls <see cref="CommitProposedAsync"/>.
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
        var executeStart = DateTimeOffset.UtcNow;
        var executed = _executor.Execute(state, head, txs, time, _validatorKey.Account);
        return new Proposal(executed.ToBlock([Sign(executed.Header)]), executed) { ExecutedAt = (executeStart, DateTimeOffset.UtcNow) };
    }

    /// <summary>Stores a block this node proposed, once consensus has ordered it.</summary>
    public async Task CommitProposedAsync(Proposal proposal, CancellationToken ct)
    {
        if (proposal.Block.Header.PreviousHash != Head.Hash())
            throw new InvalidOperationException($"proposal for height {proposal.Block.Height} no longer extends the head");
        var storeStart = DateTimeOffset.UtcNow;
        await _store.AppendAsync(proposal.Block, proposal.Executed.Writes, ct);
        LastTimings = new BlockTimings(proposal.ExecutedAt.Start, proposal.ExecutedAt.End, storeStart, DateTimeOffset.UtcNow, Ordered: true);
        BlockCommitted?.Invoke(proposal.Block);
    }

    /// <summary>
    /// Checks a block another validator proposed and the log ordered (<see cref="BlockCheck"/>: it
    /// links to our head, its proposer is one of <paramref name="validators"/> and signed it, it is not
    /// timed after <paramref name="latestTime"/>, every transaction signature verifies), executes it on
    /// our own state and stores it with our signature added, only if our execution gives exactly the
    /// same header (results and state commitment included). A refused block is stored nowhere: the
    /// caller must stop (or, for a block ahead of its clock, wait), not diverge.
    /// </summary>
    /// <param name="validators">The set that signs this block (the one our head's state records).</param>
    /// <param name="alreadyVerified">Transactions whose signatures this node checked at admission.</param>
    /// <param name="latestTime">
    /// The latest block time this node accepts now (its clock plus the allowed skew): a block timed after it is
    /// refused with <see cref="BlockFault.AheadOfClock"/>.
    /// </param>
    public async Task<ReplicatedBlock> ApplyReplicatedAsync(Block proposed, IReadOnlySet<AccountId> validators, Func<Hash256, bool>? alreadyVerified, long latestTime,
        CancellationToken ct)
    {
        var head = Head;
        var verdict = BlockCheck.Links(head, proposed);
        IReadOnlyList<BlockSignature> signatures = [];
        if (verdict.Ok) (verdict, signatures) = BlockCheck.Signatures(proposed, validators, strict: false);
        if (verdict.Ok) verdict = BlockCheck.NotAhead(proposed, latestTime);
        if (verdict.Ok) verdict = BlockCheck.TransactionSignatures(proposed, alreadyVerified);
        if (!verdict.Ok) return ReplicatedBlock.Refused(verdict);

        var executeStart = DateTimeOffset.UtcNow;
        var executed = _executor.Execute(_store.ExecutionState, head, proposed.Transactions, proposed.Header.Time, proposed.Header.Proposer);
        verdict = BlockCheck.Reproduces(executed, proposed);
        if (!verdict.Ok) return ReplicatedBlock.Refused(verdict);
        var kept = signatures.Where(s => s.Validator != Validator).ToList();
        if (validators.Contains(Validator)) kept.Add(Sign(executed.Header));
        var block = executed.ToBlock(kept);
        var storeStart = DateTimeOffset.UtcNow;
        await _store.AppendAsync(block, executed.Writes, ct);
        LastTimings = new BlockTimings(executeStart, storeStart, storeStart, DateTimeOffset.UtcNow, Ordered: false);
        BlockCommitted?.Invoke(block);
        return new ReplicatedBlock(verdict, block, executed.Writes);
    }

    private BlockSignature Sign(BlockHeader header) => new(_validatorKey.PublicKey, _validatorKey.Sign(header.Hash()));
}

/// <summary>A block this node executed and signed as proposer, with the state writes to store once it is ordered.</summary>
public sealed record Proposal(Block Block, ExecutedBlock Executed)
{
    /// <summary>When the proposer executed it (for traces).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) ExecutedAt { get; init; }
}

/// <summary>What became of a replicated block: stored (with the state writes it made), or refused with the verdict saying why.</summary>
public sealed record ReplicatedBlock(BlockVerdict Verdict, Block? Stored, IReadOnlyList<KeyValuePair<string, byte[]?>> Writes)
{
    public static ReplicatedBlock Refused(BlockVerdict verdict) => new(verdict, null, []);
}

using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
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

    private BlockSignature Sign(BlockHeader header) => new(_validatorKey.PublicKey, _validatorKey.Sign(header.Hash()));
}

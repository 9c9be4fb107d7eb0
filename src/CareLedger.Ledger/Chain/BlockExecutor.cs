using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Chain;

/// <summary>A block's header and results, with the state writes that go with it, before anyone signs it.</summary>
public sealed record ExecutedBlock(BlockHeader Header, IReadOnlyList<Transaction> Transactions, IReadOnlyList<TxResult> Results, IReadOnlyList<KeyValuePair<string, byte[]?>> Writes, byte[]? Genesis = null)
{
    public Block ToBlock(IReadOnlyList<BlockSignature> signatures) => new(Header, Transactions, Results, signatures, Genesis);
}

/// <summary>Turns an ordered batch of transactions into a block: a pure function of (state, parent, batch, time).</summary>
public sealed class BlockExecutor(ContractRuntime runtime)
{
    public ContractRuntime Runtime => runtime;

    public ExecutedBlock Execute(IStateReader state, BlockHeader parent, IReadOnlyList<Transaction> txs, long time, AccountId proposer)
    {
        var height = parent.Height + 1;
        var overlay = new StateOverlay(state);
        runtime.BeginBlock(overlay, height, time);
        var results = new TxResult[txs.Count];
        for (var i = 0; i < txs.Count; i++) results[i] = runtime.Apply(overlay, height, time, txs[i]);
        var directory = runtime.Directory.Update(overlay);
        var writes = overlay.SortedWrites();
        var header = new BlockHeader(
            height,
            parent.Hash(),
            MerkleTree.Root(Block.Leaves(txs, results, null)),
            StateCommitment.Next(parent.StateRoot, writes),
            directory,
            time,
            proposer);
        return new ExecutedBlock(header, txs, results, writes);
    }

    public ExecutedBlock ExecuteGenesis(GenesisDocument genesis)
    {
        if (genesis.ChainId != runtime.ChainId) throw new InvalidOperationException($"genesis is for chain '{genesis.ChainId}', runtime for '{runtime.ChainId}'");
        var overlay = new StateOverlay(new MemoryState());
        runtime.ApplyGenesis(overlay, genesis.Map);
        var directory = runtime.Directory.Update(overlay);
        var writes = overlay.SortedWrites();
        var bytes = genesis.Encode();
        var header = new BlockHeader(0, Hash256.Zero, MerkleTree.Root(Block.Leaves([], [], bytes)),
            StateCommitment.Next(Hash256.Zero, writes), directory, genesis.Time, default);
        return new ExecutedBlock(header, [], [], writes, bytes);
    }
}

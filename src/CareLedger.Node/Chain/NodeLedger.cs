using CareLedger.Contracts;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;

namespace CareLedger.Node.Chain;

/// <summary>
/// The node's ledger, opened once the container is built and before the host starts
/// (<see cref="LedgerServices.OpenLedgerAsync"/>): the store, the chain's genesis document (block 0's,
/// else the genesis file, else the demo's), its contracts and the chain with block 0 durable. Opening reads
/// and writes the store, so it is awaited there rather than done by a service factory; the container hands
/// out the results from here.
/// </summary>
public sealed class NodeLedger(NodeStart start, NodeKeys keys, TimeProvider clock, ILoggerFactory logs, LedgerServices.CreateGenesis? createDemo = null)
{
    private Opened? _opened;

    /// <summary>What opening gave.</summary>
    public sealed record Opened(ILedgerStore Store, GenesisDocument Genesis, ContractRuntime Runtime, LedgerChain Chain);

    /// <exception cref="InvalidOperationException">The ledger was not opened before the node's services were asked for.</exception>
    public Opened Value => _opened ?? throw new InvalidOperationException("the node's ledger is not open: build the node with NodeHost.BuildAsync, which opens it before the host starts");

    public async Task OpenAsync(CancellationToken ct)
    {
        if (_opened is not null) throw new InvalidOperationException("the node's ledger is already open");
        var log = logs.CreateLogger("CareLedger.Node");
        var store = await LedgerFolder.OpenAsync(start, clock, log, ct);
        try
        {
            var genesis = await LedgerFolder.GenesisAsync(start, store, createDemo, ct);
            // In a consortium a node may start before its organisation is voted in: it follows until then.
            if (!start.Consortium && !genesis.ValidatorAccounts.Contains(keys.Account))
                throw new InvalidOperationException($"this node's validator key ({keys.Account}) is not among the genesis validators");
            var runtime = ConsortiumContracts.CreateRuntime(genesis.ChainId);
            var chain = await LedgerChain.OpenAsync(store, new BlockExecutor(runtime), keys.Validator, genesis, ct);
            log.LogInformation("Chain {ChainId} at height {Height}, data in {DataDir}", genesis.ChainId, chain.Head.Height, start.DataDir);
            _opened = new Opened(store, genesis, runtime, chain);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}

using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Chain;

/// <summary>The node's ledger: keys, store, genesis, contracts, chain, pool and (for a node alone) the solo orderer.</summary>
public static class LedgerServices
{
    /// <summary>Hands a demo's genesis document to a start that has none yet; registered by the demo only.</summary>
    public delegate void CreateGenesis(string path);

    public static IServiceCollection AddLedger(this IServiceCollection services, NodeStart start)
    {
        services.AddSingleton(start);
        services.AddSingleton(sp => new NodeKeys(start.DataDir,
            NodeKeys.Passphrase(Options(sp).NodePassphrase, !string.IsNullOrEmpty(Options(sp).GenesisFile), Log(sp))));
        services.AddSingleton<ILedgerStore>(sp => LedgerFolder.Open(start, sp.GetRequiredService<TimeProvider>(), Log(sp)));
        services.AddSingleton(sp => LedgerFolder.Genesis(start, sp.GetRequiredService<ILedgerStore>(), sp.GetService<CreateGenesis>() is { } create ? p => create(p) : null));
        services.AddSingleton(sp => ConsortiumContracts.CreateRuntime(sp.GetRequiredService<GenesisDocument>().ChainId));
        services.AddSingleton<IValidatorSet>(sp => LedgerValidatorSet.For(sp.GetRequiredService<GenesisDocument>()));
        services.AddSingleton(sp => Chain(sp, start));
        services.AddSingleton(sp => new TransactionPool(sp.GetRequiredService<ContractRuntime>(), sp.GetRequiredService<ILedgerStore>(),
            sp.GetRequiredService<LedgerReader>().FindReceipt, sp.GetRequiredService<TimeProvider>(), Options(sp).PoolCapacity));
        services.AddSingleton<LedgerReader>();
        services.AddSingleton<LocalTransactions>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<NodeMetrics>());
        if (!start.Consortium)
            services.AddSingleton<IOrderer>(sp => new SoloOrderer(sp.GetRequiredService<LedgerChain>(), sp.GetRequiredService<TransactionPool>(),
                sp.GetRequiredService<TimeProvider>(), Options(sp).BlockMaxTransactions, TimeSpan.FromMilliseconds(Options(sp).BlockLingerMs)));
        services.AddSingleton<OrdererService>();
        services.AddHostedService(sp => sp.GetRequiredService<OrdererService>());
        return services;
    }

    private static LedgerChain Chain(IServiceProvider sp, NodeStart start)
    {
        var genesis = sp.GetRequiredService<GenesisDocument>();
        var keys = sp.GetRequiredService<NodeKeys>();
        // In a consortium a node may start before its organisation is voted in: it follows until then.
        if (!start.Consortium && !genesis.ValidatorAccounts.Contains(keys.Account))
            throw new InvalidOperationException($"this node's validator key ({keys.Account}) is not among the genesis validators");
        var store = sp.GetRequiredService<ILedgerStore>();
        var chain = new LedgerChain(store, new BlockExecutor(sp.GetRequiredService<ContractRuntime>()), keys.Validator, genesis);
        Log(sp).LogInformation("Chain {ChainId} at height {Height}, data in {DataDir}", genesis.ChainId, chain.Head.Height, start.DataDir);
        return chain;
    }

    private static NodeOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<NodeOptions>>().Value;

    private static ILogger Log(IServiceProvider sp) => sp.GetRequiredService<ILoggerFactory>().CreateLogger("CareLedger.Node");
}

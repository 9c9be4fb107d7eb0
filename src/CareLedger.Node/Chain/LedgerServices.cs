using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
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

    /// <summary>The ledger's services. The store, genesis, contracts and chain come from <see cref="NodeLedger"/>: open it with <see cref="OpenLedgerAsync"/> before the host starts.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, NodeStart start)
    {
        services.AddSingleton(start);
        services.AddSingleton(sp => new NodeKeys(start.DataDir,
            NodeKeys.Passphrase(Options(sp).NodePassphrase, !string.IsNullOrEmpty(Options(sp).GenesisFile), Log(sp))));
        // Whom requests to this node are signed for: its chain and its own account.
        services.AddSingleton(sp => new RequestAudience(sp.GetRequiredService<GenesisDocument>().ChainId, sp.GetRequiredService<NodeKeys>().Account));
        services.AddSingleton<NodeLedger>();
        services.AddSingleton(sp => Opened(sp).Store);
        services.AddSingleton(sp => Opened(sp).Genesis);
        services.AddSingleton(sp => Opened(sp).Runtime);
        services.AddSingleton<IValidatorSet>(sp => LedgerValidatorSet.For(sp.GetRequiredService<GenesisDocument>()));
        services.AddSingleton(sp => Opened(sp).Chain);
        services.AddSingleton(sp => new TransactionPool(sp.GetRequiredService<ContractRuntime>(), sp.GetRequiredService<ILedgerStore>(),
            sp.GetRequiredService<LedgerReader>().FindReceiptAsync, sp.GetRequiredService<TimeProvider>(), Options(sp).PoolCapacity));
        services.AddSingleton<LedgerReader>();
        services.AddSingleton<LocalTransactions>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<NodeMetrics>());
        if (!start.Consortium)
            services.AddSingleton<IOrderer>(sp => new SoloOrderer(sp.GetRequiredService<LedgerChain>(), sp.GetRequiredService<TransactionPool>(),
                sp.GetRequiredService<TimeProvider>(), new BatchLinger(Options(sp).BlockMaxTransactions, TimeSpan.FromMilliseconds(Options(sp).BlockLingerMs), Options(sp).BlockCutEarly),
                sp.GetRequiredService<IStorageSpace>()));
        services.AddSingleton<OrdererService>();
        services.AddHostedService(sp => sp.GetRequiredService<OrdererService>());
        return services;
    }

    /// <summary>
    /// Opens the node's ledger (store, genesis, block 0) once the container is built and before the host
    /// starts: the one start-up step that reads and writes the store, awaited rather than run inside a service factory.
    /// </summary>
    public static Task OpenLedgerAsync(this IServiceProvider services, CancellationToken ct) => services.GetRequiredService<NodeLedger>().OpenAsync(ct);

    private static NodeLedger.Opened Opened(IServiceProvider sp) => sp.GetRequiredService<NodeLedger>().Value;

    private static NodeOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<NodeOptions>>().Value;

    private static ILogger Log(IServiceProvider sp) => sp.GetRequiredService<ILoggerFactory>().CreateLogger("CareLedger.Node");
}

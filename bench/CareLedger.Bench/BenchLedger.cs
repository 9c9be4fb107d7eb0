using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Node.Chain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CareLedger.Bench;

/// <summary>The node's ledger services that the bench drives directly, in the node's own process.</summary>
public sealed record BenchLedger(ILedgerStore Store, TransactionPool Pool, GenesisDocument Genesis, ContractRuntime Runtime, TimeProvider Clock, string DataDir,
    LedgerChain Chain, NodeOptions Options)
{
    public static BenchLedger From(IServiceProvider services, string dataDir) => new(services.GetRequiredService<ILedgerStore>(),
        services.GetRequiredService<TransactionPool>(), services.GetRequiredService<GenesisDocument>(), services.GetRequiredService<ContractRuntime>(),
        services.GetRequiredService<TimeProvider>(), dataDir, services.GetRequiredService<LedgerChain>(),
        services.GetRequiredService<IOptions<NodeOptions>>().Value);
}

using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using CareLedger.Node.Chain;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Consortium;

/// <summary>A consortium node: ordering through the etcd log, blocks from peers and forwarding to the leader over HTTP.</summary>
public static class ConsortiumServices
{
    public static IServiceCollection AddConsortium(this IServiceCollection services)
    {
        services.AddHttpClient(HttpPeerBlocks.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) });
        services.AddHttpClient(HttpLeaderLink.ClientName, c => c.Timeout = TimeSpan.FromSeconds(2))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) });
        services.AddSingleton<IPeerBlocks, HttpPeerBlocks>();
        services.AddSingleton<ILeaderLink, HttpLeaderLink>();
        services.AddSingleton<IBlockLog>(sp => new EtcdLog(Options(sp).EtcdEndpoints, sp.GetRequiredService<GenesisDocument>().ChainId,
            EtcdCredentials.Load(Options(sp))));
        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            return Options(sp).ToSettings(node.BlockMaxTransactions, TimeSpan.FromMilliseconds(node.BlockLingerMs));
        });
        services.AddSingleton(sp => new ConsortiumOrderer(sp.GetRequiredService<LedgerChain>(), sp.GetRequiredService<TransactionPool>(),
            sp.GetRequiredService<IBlockLog>(), sp.GetRequiredService<IPeerBlocks>(), sp.GetRequiredService<ILeaderLink>(),
            sp.GetRequiredService<IValidatorSet>(), sp.GetRequiredService<ConsortiumSettings>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConsortiumOrderer>>(), sp.GetRequiredService<IStorageSpace>()));
        services.AddSingleton<IOrderer>(sp => sp.GetRequiredService<ConsortiumOrderer>());
        services.AddSingleton(sp => new LogCatchUp(sp.GetRequiredService<IBlockLog>(), TimeSpan.FromMilliseconds(Options(sp).ReadCatchUpMs),
            sp.GetRequiredService<ILogger<LogCatchUp>>()));
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<LogCatchUp>());
        return services;
    }

    /// <summary>
    /// Before the host starts: reaches etcd once, so a certificate, CA or password etcd refuses stops the
    /// node with one line (InvalidOperationException); an etcd that does not answer yet only delays it.
    /// </summary>
    public static async Task CheckEtcdAccessAsync(this IServiceProvider services, CancellationToken ct)
    {
        if (services.GetRequiredService<IBlockLog>() is not EtcdLog etcd) return;
        if (!await etcd.CheckAccessAsync(ct))
            services.GetRequiredService<ILoggerFactory>().CreateLogger("CareLedger.Node").LogWarning("No etcd member answers yet; the node waits for the consortium's log");
    }

    private static ConsortiumOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<ConsortiumOptions>>().Value;
}

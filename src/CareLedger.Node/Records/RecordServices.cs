using CareLedger.Node.Chain;
using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>The vault and the record services over it: reading under consent, storing what the ledger committed to, the access log, erasure.</summary>
public static class RecordServices
{
    public static IServiceCollection AddRecords(this IServiceCollection services)
    {
        services.AddSingleton(sp => new VaultStore(sp.GetRequiredService<NodeStart>().VaultPath));
        services.AddSingleton<RecordReader>();
        services.AddSingleton<RecordContent>();
        services.AddSingleton<NodeAccount>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<NodeAccount>());
        services.AddSingleton<VaultShredder>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<VaultShredder>());
        services.AddSingleton<AccessLogger>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogger>());
        return services;
    }

    /// <summary>For a consortium node: copies of records from the other nodes, fetched in the background and on reads (ADR 0022).</summary>
    public static IServiceCollection AddVaultCopies(this IServiceCollection services)
    {
        // A copy is at most one upload (1 MiB of JSON) or one grant's key set: a peer cannot make this node buffer more.
        services.AddHttpClient(VaultCopies.ClientName, c =>
            {
                c.Timeout = TimeSpan.FromSeconds(10);
                c.MaxResponseContentBufferSize = 4 * 1024 * 1024;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) });
        services.AddSingleton<VaultCopies>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<VaultCopies>());
        services.AddHostedService(sp => sp.GetRequiredService<VaultCopies>());
        return services;
    }
}

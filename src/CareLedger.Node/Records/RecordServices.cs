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
}

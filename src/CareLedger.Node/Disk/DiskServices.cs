using CareLedger.Ledger.Storage;

namespace CareLedger.Node.Disk;

public static class DiskServices
{
    /// <summary>The data disk's watcher: refusals at the edge, the orderer's pause, the metrics.</summary>
    public static IServiceCollection AddDiskSpace(this IServiceCollection services)
    {
        services.AddSingleton<DiskSpace>();
        services.AddSingleton<IStorageSpace>(sp => sp.GetRequiredService<DiskSpace>());
        services.AddHostedService(sp => sp.GetRequiredService<DiskSpace>());
        return services;
    }
}

using CareLedger.Node.Chain;

namespace CareLedger.Node.Live;

/// <summary>The live channel: SignalR, the hub and the notices from committed blocks.</summary>
public static class LiveServices
{
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 4 * 1024);
        services.AddSingleton<LiveNotifications>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<LiveNotifications>());
        services.AddHostedService(sp => sp.GetRequiredService<LiveNotifications>());
        return services;
    }

    /// <summary>Open to anyone at the transport: the hub admits a connection to notices only once it proves a member's key.</summary>
    public static void MapLive(this IEndpointRouteBuilder app) => app.MapHub<LiveHub>(LiveHub.Path).AllowAnonymous();
}

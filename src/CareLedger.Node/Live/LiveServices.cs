using CareLedger.Node.Chain;

namespace CareLedger.Node.Live;

/// <summary>The live channels: SignalR, the notices hub and the notices from committed blocks, and consultation rooms.</summary>
public static class LiveServices
{
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 4 * 1024)
            .AddHubOptions<RoomHub>(o => o.MaximumReceiveMessageSize = RoomHub.MaxSignalChars * 2 + 4 * 1024);
        services.AddSingleton<RoomSeats>();
        services.AddOptions<TurnOptions>().BindConfiguration(TurnOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LiveNotifications>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<LiveNotifications>());
        services.AddHostedService(sp => sp.GetRequiredService<LiveNotifications>());
        services.AddSingleton<RoomClosing>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<RoomClosing>());
        services.AddHostedService(sp => sp.GetRequiredService<RoomClosing>());
        return services;
    }

    /// <summary>Open to anyone at the transport: the hubs admit a connection only once it proves a key (ADR 0014).</summary>
    public static void MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<LiveHub>(LiveHub.Path).AllowAnonymous();
        app.MapHub<RoomHub>(RoomHub.Path).AllowAnonymous();
    }
}

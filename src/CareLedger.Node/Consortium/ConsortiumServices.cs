using CareLedger.Ledger.Ordering.Consortium;

namespace CareLedger.Node.Consortium;

/// <summary>What a consortium node needs from the host's container: HTTP to its peers.</summary>
public static class ConsortiumServices
{
    /// <summary>Registers the HTTP side of consortium ordering: blocks from peers and forwarding to the leader.</summary>
    public static IServiceCollection AddConsortiumHttp(this IServiceCollection services)
    {
        services.AddHttpClient(HttpPeerBlocks.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) });
        services.AddHttpClient(HttpLeaderLink.ClientName, c => c.Timeout = TimeSpan.FromSeconds(2))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) });
        services.AddSingleton<IPeerBlocks, HttpPeerBlocks>();
        services.AddSingleton<ILeaderLink, HttpLeaderLink>();
        return services;
    }
}

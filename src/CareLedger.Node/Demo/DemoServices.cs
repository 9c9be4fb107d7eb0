using CareLedger.Node.Chain;

namespace CareLedger.Node.Demo;

/// <summary>The demo a newcomer clicks through, registered only for a demo start: its genesis on first start, its seed, and FHIR access for its doctor.</summary>
public static class DemoServices
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddSingleton<LedgerServices.CreateGenesis>(sp =>
        {
            var start = sp.GetRequiredService<NodeStart>();
            var keys = sp.GetRequiredService<NodeKeys>();
            var clock = sp.GetRequiredService<TimeProvider>();
            return path =>
            {
                sp.GetRequiredService<ILogger<DemoSeed>>().LogInformation("First start: creating the demo consortium in {DataDir}", start.DataDir);
                DemoConsortium.Create(start.DataDir, keys.Validator.PublicKey, clock.GetUtcNow().ToUnixTimeMilliseconds(), path);
            };
        });
        services.AddSingleton<INodeStartup, DemoSeed>();
        services.AddHostedService<DemoFhirAccess>();
        return services;
    }
}

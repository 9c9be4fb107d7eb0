using CareLedger.Testing;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>
/// One three-organisation consortium for the tests that inject no fault (they kill, partition, fill or skew nothing):
/// started once for <see cref="SharedConsortiumCollection"/>, killed after its last test. Its nodes export telemetry to
/// <see cref="Collector"/> (nothing sampled of their own accord, metrics every second) so the telemetry test can share it.
/// </summary>
public sealed class SharedConsortium : IAsyncLifetime
{
    public ConsortiumCluster Cluster { get; } = new();
    public OtlpCollector Collector { get; } = new();

    public async Task InitializeAsync()
    {
        foreach (var node in Cluster.Nodes)
        {
            node.Environment["CareLedger__Telemetry__Otlp"] = Collector.Url;
            // Only the traces a test starts (with a sampled traceparent) are followed.
            node.Environment["CareLedger__Telemetry__SampleRatio"] = "0";
            node.Environment["CareLedger__Telemetry__MetricsIntervalSeconds"] = "1";
            // Tests read at one node right after writing at another: a busy machine may hold a node back more than 3 s.
            node.Environment["CareLedger__Consortium__ReadCatchUpMs"] = "30000";
        }
        try { await Cluster.StartAsync(); }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        Collector.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The tests that share <see cref="SharedConsortium"/>. Each stays independent of the others and of their order: it
/// writes its own records, bookings and prescriptions and reads back only what it wrote, or balances before and after
/// its own steps (tests run one at a time). A test that stops, kills or reconfigures a node belongs in a
/// <see cref="ConsortiumTest"/> with a consortium of its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedConsortiumCollection : ICollectionFixture<SharedConsortium>
{
    public const string Name = "shared consortium";
}

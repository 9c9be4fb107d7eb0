using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>A test on the collection's <see cref="SharedConsortium"/>; the nodes' statuses and log tails go to its output.</summary>
[Collection(SharedConsortiumCollection.Name)]
public abstract class SharedConsortiumTest(SharedConsortium shared, ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = ConsortiumTest.Patience;

    protected ConsortiumCluster Cluster => shared.Cluster;
    protected OtlpCollector Collector => shared.Collector;

    protected void Log(string line) => output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");

    /// <summary>A test before this one must not have left a node down: say so at once rather than time out.</summary>
    public Task InitializeAsync()
    {
        Cluster.AssertRunning(Enumerable.Range(0, Cluster.Size));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => output.WriteLine(await Cluster.DescribeAsync());
}

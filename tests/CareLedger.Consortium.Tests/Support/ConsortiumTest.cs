using System.Diagnostics;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>
/// A test with its own three-organisation consortium (etcd members and nodes, lease one second),
/// started before it and killed after it; nodes' statuses and log tails go to the test output.
/// </summary>
[Collection(ConsortiumCollection.Name)]
public abstract class ConsortiumTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ConsortiumLoad? _load;

    protected ConsortiumCluster Cluster { get; } = new();
    protected ITestOutputHelper Output => output;
    protected ConsortiumLoad Load => _load ?? throw new InvalidOperationException("no load started");

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        BeforeStart(Cluster);
        try { await Cluster.StartAsync(); }
        catch
        {
            Cluster.Dispose();
            throw;
        }
        Log($"consortium of {Cluster.Size} ready in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>Settings a test gives its nodes before they start (their environment).</summary>
    protected virtual void BeforeStart(ConsortiumCluster cluster) { }

    /// <summary>Starts load through every node; it stops when the test ends at the latest.</summary>
    protected ConsortiumLoad StartLoad() => _load = ConsortiumLoad.Start(Cluster);

    protected void Log(string line) => output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");

    public async Task DisposeAsync()
    {
        try
        {
            if (_load is not null)
            {
                await _load.DisposeAsync();
                Log($"load: {_load.AcknowledgedCount} acknowledged; {_load.Outcomes}");
            }
            output.WriteLine(await Cluster.DescribeAsync());
        }
        finally
        {
            Cluster.Dispose();
        }
    }
}

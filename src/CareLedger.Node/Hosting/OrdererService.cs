using CareLedger.Node.Demo;
using CareLedger.Node.Records;

namespace CareLedger.Node.Hosting;

/// <summary>Runs the orderer for the node's lifetime. If ordering fails the node stops rather than serve a stale chain.</summary>
public sealed class OrdererService(LedgerNode node, NodeMetrics metrics, VaultShredder shredder, NodeAccount account,
    IHostApplicationLifetime lifetime, ILogger<OrdererService> log) : BackgroundService
{
    public bool Running { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        node.Chain.BlockCommitted += metrics.OnBlockCommitted;
        node.Chain.BlockCommitted += shredder.OnBlockCommitted;
        shredder.Sweep();
        Running = true;
        try
        {
            var ordering = Task.Run(() => node.Orderer.RunAsync(stoppingToken), stoppingToken);
            await account.EnsureKeyPublishedAsync(stoppingToken);
            if (node.IsDemo) await DemoSeed.EnsureAsync(node, log, stoppingToken);
            await ordering;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogCritical(e, "Ordering failed; the node stops");
            lifetime.StopApplication();
        }
        finally
        {
            Running = false;
        }
    }
}

using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;

namespace CareLedger.Node.Chain;

/// <summary>Runs the orderer for the node's lifetime. If ordering fails the node stops rather than serve a stale chain.</summary>
public sealed class OrdererService(IOrderer orderer, LedgerChain chain, IEnumerable<INodeStartup> parts, IHostApplicationLifetime lifetime,
    ILogger<OrdererService> log, ConsortiumOrderer? consortium = null) : BackgroundService
{
    public bool Running { get; private set; }

    /// <summary>True once ordering runs and the start-up transactions (key publication, demo seed) are committed.</summary>
    public bool Ready { get; private set; }

    /// <summary>
    /// The parts' start-up transactions. They are retried, since clients may already be using the
    /// pool; if they still fail the node keeps serving and says so in its log.
    /// </summary>
    private async Task StartupTransactionsAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A consortium node first catches up with the log: its state decides what is still to do.
                if (consortium is not null) await consortium.CaughtUp.WaitAsync(ct);
                foreach (var part in parts) await part.AfterCatchUpAsync(ct);
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or TransactionRejectedException && attempt < 5)
            {
                log.LogWarning("Start-up transactions not done yet ({Reason}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
            catch (Exception e) when (e is InvalidOperationException or TransactionRejectedException)
            {
                log.LogError("Start-up transactions failed: {Reason}", e.Message);
                return;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var part in parts) part.BeforeOrdering(chain);
        Running = true;
        try
        {
            var ordering = Task.Run(() => orderer.RunAsync(stoppingToken), stoppingToken);
            // If ordering fails while the start-up transactions wait for their blocks, stop waiting and fail.
            var startup = StartupTransactionsAsync(stoppingToken);
            if (await Task.WhenAny(ordering, startup) == ordering) await ordering;
            await startup;
            Ready = true;
            await ordering;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogCritical(e, "Ordering failed; the node stops");
            Environment.ExitCode = 1; // so a supervisor restarting failed services sees a failure
            lifetime.StopApplication();
        }
        finally
        {
            Running = false;
            Ready = false;
        }
    }
}

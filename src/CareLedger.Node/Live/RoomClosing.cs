using System.Threading.Channels;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.SignalR;

namespace CareLedger.Node.Live;

/// <summary>
/// Closes a consultation's room once its booking is no longer accepted or under way (ended, completed, cancelled, or
/// refunded by the licence sweep): everyone still in it hears "closed" with one sentence and loses their seat, so
/// nobody, guests included, stays on after the consultation. Follows committed blocks off the ordering path, as
/// <see cref="LiveNotifications"/> does; only bookings whose room has somebody in it are read.
/// </summary>
public sealed class RoomClosing(LedgerReader ledger, RoomSeats seats, IHubContext<RoomHub> hub, ILogger<RoomClosing> log) : BackgroundService, INodeStartup
{
    public const string Sentence = "The room has closed: this consultation is no longer under way.";

    private readonly Channel<Block> _blocks = Channel.CreateBounded<Block>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });

    public void BeforeOrdering(LedgerChain chain) => chain.BlockCommitted += block => _blocks.Writer.TryWrite(block);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var block in _blocks.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var booking in BookingsOf(block).Distinct().Where(seats.Occupied))
            {
                if (ledger.State.Get(Booking.Key(booking)) is { } b && RoomHub.IsOpen(b)) continue;
                var gone = seats.Close(booking);
                try
                {
                    await hub.Clients.Clients([.. gone.Select(s => s.Connection)]).SendAsync("closed", Sentence, stoppingToken);
                    foreach (var seat in gone) await hub.Groups.RemoveFromGroupAsync(seat.Connection, RoomHub.Group(booking), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("The room of a consultation could not be told it closed: {Error}", e.Message);
                }
            }
        }
    }

    /// <summary>The bookings the services contract's events of a block name.</summary>
    private static IEnumerable<string> BookingsOf(Block block) =>
        from result in block.Results
        where result.Valid
        from e in result.Events
        where e.Contract == ServicesContract.ContractName && e.Attributes.TryGetText("booking") is not null
        select e.Attributes.TryGetText("booking")!;
}

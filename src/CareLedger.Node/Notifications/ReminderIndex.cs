using CareLedger.Contracts.Services;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Node.Notifications;

/// <summary>
/// The accepted bookings whose slot lies ahead, by booking id: what consultation reminders are due from. In memory only,
/// rebuilt from the world state at start and kept up by the services contract's events in each committed block (a booking
/// that is no longer accepted leaves it). Nothing of it is on the ledger.
/// </summary>
public sealed class ReminderIndex
{
    private readonly Dictionary<string, Booking> _accepted = [];
    private readonly Lock _gate = new();

    public int Count { get { lock (_gate) return _accepted.Count; } }

    public void Rebuild(ContractState state)
    {
        var accepted = state.Scan(Booking.All).Select(e => e.Value).Where(b => b.Status == BookingStatus.Accepted).ToList();
        lock (_gate)
        {
            _accepted.Clear();
            foreach (var booking in accepted) _accepted[booking.Id] = booking;
        }
    }

    /// <summary>Re-reads every booking the block's services events name.</summary>
    public void Follow(Block block, ContractState state)
    {
        var named = block.Results.Where(r => r.Valid).SelectMany(r => r.Events)
            .Where(e => e.Contract == ServicesContract.ContractName).Select(e => e.Attributes.TryGetText("booking")).OfType<string>().Distinct();
        foreach (var id in named)
        {
            var booking = state.Get(Booking.Key(id));
            lock (_gate)
            {
                if (booking is { Status: BookingStatus.Accepted }) _accepted[id] = booking;
                else _accepted.Remove(id);
            }
        }
    }

    /// <summary>Accepted bookings whose slot has not started by <paramref name="now"/>; those past are dropped.</summary>
    public IReadOnlyList<Booking> Upcoming(long now)
    {
        lock (_gate)
        {
            foreach (var past in _accepted.Values.Where(b => b.Start <= now).Select(b => b.Id).ToList()) _accepted.Remove(past);
            return [.. _accepted.Values];
        }
    }
}

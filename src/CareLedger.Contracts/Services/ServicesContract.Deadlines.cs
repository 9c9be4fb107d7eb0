using CareLedger.Contracts.Licensing;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>What block time does by itself, with the steps that happen when a deadline passes.</summary>
public static class Deadlines
{
    /// <summary>At the slot's start, a booking still not accepted expires and is refunded.</summary>
    public const string AcceptBy = "accept-by";
    /// <summary>At the slot's start plus the grace period, an accepted consultation not started is a no-show, refunded.</summary>
    public const string NoShowAt = "no-show";
    /// <summary>At the end of its response window, an asynchronous consultation not yet answered is refunded in full (ADR 0020).</summary>
    public const string AnswerBy = "answer-by";
    /// <summary>After the acknowledgement period, a completed consultation's price is released.</summary>
    public const string AcknowledgeBy = "acknowledge-by";
    /// <summary>At a second-opinion case's deadline, the fees of opinions not given go back to the patient.</summary>
    public const string OpinionsDue = "opinions-due";
}

/// <summary>
/// The deadline index (services/deadline/{due:D15}/{kind}/{id}), read in time order at the start of
/// each block so that a block touches only what has fallen due; each booking or case has at most
/// one live deadline, replaced as it moves on. Also the index of open bookings by practitioner, whose
/// bookings a block cancels with refunds when the practitioner's licence lapses (read from the licences' lapse moments),
/// and the count of caring bookings per practitioner and patient that the care-relationship check reads.
/// </summary>
public sealed partial class ServicesContract
{
    /// <summary>How many deadline entries a block reads at a time: it reads those due and at most a page beyond.</summary>
    public const int DeadlinePage = 16;

    private static void RunDueDeadlines(ContractState state, long blockTime)
    {
        var due = state.ScanInPages(Deadline.All, DeadlinePage).TakeWhile(e => e.Value.Due <= blockTime).ToList();
        foreach (var (key, deadline) in due)
        {
            state.Delete(Deadline.Kept(key));
            if (deadline.Kind == Deadlines.OpinionsDue)
            {
                if (state.Get(OpinionCase.Key(deadline.Id)) is { } openCase && openCase.Status == CaseStatus.Open) CloseCase(state, openCase, blockTime);
                continue;
            }
            if (state.Get(Booking.Key(deadline.Id)) is not { } booking || booking.Deadline != key) continue;
            switch (deadline.Kind)
            {
                case Deadlines.AcceptBy:
                    Settle(state, booking, booking.Price, BookingStatus.Expired, blockTime, "the practitioner did not accept before the slot started");
                    break;
                case Deadlines.NoShowAt:
                    Settle(state, booking, booking.Price, BookingStatus.NoShow, blockTime, "the practitioner did not start the consultation");
                    break;
                case Deadlines.AnswerBy:
                    Settle(state, booking, booking.Price, BookingStatus.Expired, blockTime, "the practitioner did not answer within the response window");
                    break;
                case Deadlines.AcknowledgeBy:
                    Settle(state, booking, 0, BookingStatus.Released, blockTime, "the acknowledgement period ended");
                    break;
            }
        }
    }

    /// <summary>
    /// Cancels, with full refunds, the open bookings of practitioners whose licence stopped holding since the last block: it
    /// reads the licences' lapse moments from the last sweep's time up to this block's (those at the last sweep's time again,
    /// as a revoke in that block came after it), and at most a page beyond, so a block's work follows the licences that
    /// lapse, not the practitioners holding open bookings.
    /// </summary>
    private static void CancelForLapsedLicences(ContractState state, long blockTime)
    {
        var swept = state.Get(LicenceSweep.Key)?.Time;
        // Lapses are rare: read them one at a time, so that a block with none due reads a single entry.
        var lapsed = state.ScanInPages(LicenceLapse.All, 1, swept is { } time ? LicenceLapse.Before(time) : null)
            .TakeWhile(e => e.Value.At <= blockTime).Select(e => e.Value.Practitioner).Distinct().ToList();
        // Nothing due since the last sweep: the next block starts from the same place, and this block writes nothing.
        if (lapsed.Count == 0) return;
        foreach (var practitioner in lapsed)
        {
            if (state.Get(OpenBookings.Key(practitioner)) is not { } open) continue;
            var licence = LicensingContract.Check(state, practitioner, blockTime);
            if (licence.IsOk) continue;
            foreach (var id in open.Bookings)
            {
                var booking = state.Get(Booking.Key(id))!;
                Settle(state, booking, booking.Price, BookingStatus.Cancelled, blockTime, $"the practitioner's licence lapsed: {licence.Error}");
            }
        }
        if (swept != blockTime) state.Put(LicenceSweep.Key, new LicenceSweep(blockTime));
    }

    /// <summary>
    /// Moves a booking to <paramref name="status"/> and saves it: its old deadline is dropped, the
    /// next one (if any) is indexed, and the open-bookings index follows the status. Returns the booking as saved.
    /// </summary>
    private static Booking Transition(ContractState state, Booking booking, string status, long time, (string Kind, long Due)? next = null)
    {
        var wasOpen = BookingStatus.IsOpen(booking.Status);
        var isOpen = BookingStatus.IsOpen(status);
        if (wasOpen != isOpen) SetOpen(state, booking, isOpen);
        var wasCaring = BookingStatus.IsCaring(booking.Status);
        if (wasCaring != BookingStatus.IsCaring(status)) CountCaring(state, booking, wasCaring ? -1 : 1);
        ClearDeadline(state, booking.Deadline);
        var (deadline, due) = next is { } d ? Schedule(state, d.Kind, booking.Id, d.Due) : ("", 0L);
        booking = booking with { Status = status, Updated = time, Deadline = deadline, Due = due };
        state.Put(Booking.Key(booking.Id), booking);
        return booking;
    }

    /// <summary>Indexes a deadline of a booking or a case, which keeps the key returned so the entry can be dropped when it moves on.</summary>
    private static (string Key, long Due) Schedule(ContractState state, string kind, string id, long due)
    {
        var key = Deadline.Key(due, kind, id);
        state.Put(key, new Deadline(kind, id, due));
        return (key.Value, due);
    }

    private static void ClearDeadline(ContractState state, string key)
    {
        if (key.Length > 0) state.Delete(Deadline.Kept(key));
    }

    private static void CountCaring(ContractState state, Booking booking, int change)
    {
        var key = CareLink.Key(booking.Practitioner, booking.Patient);
        var count = (state.Get(key)?.Bookings ?? 0) + change;
        if (count == 0) state.Delete(key);
        else state.Put(key, new CareLink(count));
    }

    private static void SetOpen(ContractState state, Booking booking, bool open)
    {
        var key = OpenBookings.Key(booking.Practitioner);
        var ids = state.Get(key)?.Bookings.ToList() ?? [];
        if (open) ids.Add(booking.Id);
        else ids.Remove(booking.Id);
        if (ids.Count == 0) state.Delete(key);
        else state.Put(key, new OpenBookings(ids));
    }
}

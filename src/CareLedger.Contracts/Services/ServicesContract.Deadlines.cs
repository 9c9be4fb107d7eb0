using CareLedger.Contracts.Licensing;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>What block time does by itself, with the steps that happen when a deadline passes.</summary>
public static class Deadlines
{
    /// <summary>At the slot's start, a booking still not accepted expires and is refunded.</summary>
    public const string AcceptBy = "accept-by";
    /// <summary>At the slot's start plus the grace period, an accepted consultation not started is a no-show, refunded.</summary>
    public const string NoShowAt = "no-show";
    /// <summary>After the acknowledgement period, a completed consultation's price is released.</summary>
    public const string AcknowledgeBy = "acknowledge-by";
    /// <summary>At a second-opinion case's deadline, the fees of opinions not given go back to the patient.</summary>
    public const string OpinionsDue = "opinions-due";
}

/// <summary>
/// The deadline index (services/deadline/{due:D15}/{kind}/{id}), read in time order at the start of
/// each block so that a block touches only what has fallen due; each booking or case has at most
/// one live deadline, replaced as it moves on. Also the index of open bookings by practitioner,
/// whose licences are checked at each block so that a lapsed licence cancels them with refunds.
/// </summary>
public sealed partial class ServicesContract
{
    private static void RunDueDeadlines(ContractState state, long blockTime)
    {
        var due = state.Scan(DeadlinePrefix).TakeWhile(e => e.Value.GetInt("due") <= blockTime).ToList();
        foreach (var (key, deadline) in due)
        {
            state.Delete(key);
            var kind = deadline.GetText("kind");
            if (kind == Deadlines.OpinionsDue)
            {
                if (state.Get(CasePrefix + deadline.GetText("id")) is { } openCase && openCase.GetText("status") == "open") CloseCase(state, openCase, blockTime);
                continue;
            }
            if (state.Get(BookingPrefix + deadline.GetText("id")) is not { } booking || booking.GetText("deadline") != key) continue;
            var price = booking.GetInt("price");
            switch (kind)
            {
                case Deadlines.AcceptBy:
                    Settle(state, booking, price, BookingStatus.Expired, blockTime, "the practitioner did not accept before the slot started");
                    break;
                case Deadlines.NoShowAt:
                    Settle(state, booking, price, BookingStatus.NoShow, blockTime, "the practitioner did not start the consultation");
                    break;
                case Deadlines.AcknowledgeBy:
                    Settle(state, booking, 0, BookingStatus.Released, blockTime, "the acknowledgement period ended");
                    break;
            }
        }
    }

    private static void CancelForLapsedLicences(ContractState state, long blockTime)
    {
        foreach (var (key, open) in state.Scan(OpenPrefix).ToList())
        {
            var licence = LicensingContract.Check(state, AccountId.Parse(key[OpenPrefix.Length..]), blockTime);
            if (licence.IsOk) continue;
            foreach (var id in open.GetList("bookings"))
            {
                var booking = state.Get(BookingPrefix + (string)id)!;
                Settle(state, booking, booking.GetInt("price"), BookingStatus.Cancelled, blockTime, $"the practitioner's licence lapsed: {licence.Error}");
            }
        }
    }

    /// <summary>
    /// Moves a booking to <paramref name="status"/> and saves it: its old deadline is dropped, the
    /// next one (if any) is indexed, and the open-bookings index follows the status.
    /// </summary>
    private static void Transition(ContractState state, CborMap booking, string status, long time, (string Kind, long Due)? next = null)
    {
        var wasOpen = BookingStatus.IsOpen(booking.GetText("status"));
        var isOpen = BookingStatus.IsOpen(status);
        if (wasOpen != isOpen) SetOpen(state, booking, isOpen);
        ClearDeadline(state, booking);
        if (next is { } deadline) Schedule(state, booking, deadline.Kind, deadline.Due);
        booking["status"] = status;
        booking["updated"] = time;
        state.Put(BookingPrefix + booking.GetText("id"), booking);
    }

    /// <summary>Indexes the item's deadline; the item (a booking or a case) keeps the key so the entry can be dropped when it moves on.</summary>
    private static void Schedule(ContractState state, CborMap item, string kind, long due)
    {
        var id = item.GetText("id");
        var key = $"{DeadlinePrefix}{due:D15}/{kind}/{id}";
        state.Put(key, new CborMap { ["kind"] = kind, ["id"] = id, ["due"] = due });
        item["deadline"] = key;
        item["due"] = due;
    }

    private static void ClearDeadline(ContractState state, CborMap item)
    {
        if (item.GetText("deadline") is { Length: > 0 } key) state.Delete(key);
        item["deadline"] = "";
        item["due"] = 0L;
    }

    private static void SetOpen(ContractState state, CborMap booking, bool open)
    {
        var key = OpenPrefix + booking.GetText("practitioner");
        var ids = state.Get(key)?.GetList("bookings").ToList() ?? [];
        if (open) ids.Add(booking.GetText("id"));
        else ids.Remove(booking.GetText("id"));
        if (ids.Count == 0) state.Delete(key);
        else state.Put(key, new CborMap { ["bookings"] = ids });
    }
}

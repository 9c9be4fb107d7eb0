using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// Asynchronous consultations (ADR 0020): booked without a slot, they run from the booking to the end of the response
/// window the practitioner's profile promised then (<see cref="Booking.End"/>). The practitioner accepts and answers by
/// completing the booking with a summary Encounter before the window ends; otherwise the whole price goes back at the
/// window's end (<see cref="Deadlines.AnswerBy"/>). After the answer, escrow works as for a video consultation: the
/// patient's acknowledgement or the acknowledgement period releases it, and either side may dispute before that.
/// </summary>
public sealed partial class ServicesContract
{
    /// <summary>Free while the practitioner has not accepted; once accepted the answer is being written, so only a dispute or the window's end gives the money back.</summary>
    private static Outcome CancelAsync(ContractContext ctx, Booking booking)
    {
        if (booking.Status != BookingStatus.Requested)
            return Outcome.Fail($"booking {booking.Id} was accepted: the practitioner is answering it; if no answer comes by {booking.End} the price comes back, or open a dispute");
        Settle(ctx.State, booking, booking.Price, BookingStatus.Cancelled, ctx.BlockTime, "cancelled by the patient in time");
        ctx.Emit("BookingCancelled", new Ledger.Encoding.CborMap { ["booking"] = booking.Id, ["refunded"] = booking.Price, ["late"] = false });
        return Outcome.Ok;
    }
}

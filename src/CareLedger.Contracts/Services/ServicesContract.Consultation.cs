using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// The consultation itself: its start and end are ledger events; the practitioner completes it
/// with the summary Encounter they added to the patient's records; the patient's
/// acknowledgement, or the end of the acknowledgement period, releases the price.
/// </summary>
public sealed partial class ServicesContract
{
    private static Outcome StartConsultation(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Practitioner, out var booking, out var refusal)) return refusal;
        if (booking.Status != BookingStatus.Accepted) return WrongStatus(booking, "started", BookingStatus.Accepted);
        var earliest = booking.Start - EarlyStartMs;
        if (ctx.BlockTime < earliest) return Outcome.Fail($"too early: the consultation may start from {earliest}");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");
        Transition(ctx.State, booking with { Started = ctx.BlockTime }, BookingStatus.InProgress, ctx.BlockTime);
        ctx.Emit("ConsultationStarted", new CborMap { ["booking"] = booking.Id, ["mode"] = booking.Mode });
        return Outcome.Ok;
    }

    private static Outcome EndConsultation(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Practitioner, out var booking, out var refusal)) return refusal;
        if (booking.Status != BookingStatus.InProgress) return WrongStatus(booking, "ended", BookingStatus.InProgress);
        Transition(ctx.State, booking with { Ended = ctx.BlockTime }, BookingStatus.Ended, ctx.BlockTime);
        ctx.Emit("ConsultationEnded", new CborMap { ["booking"] = booking.Id });
        return Outcome.Ok;
    }

    private static Outcome Complete(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Practitioner, out var booking, out var refusal)) return refusal;
        var isAsync = booking.Mode == ConsultationModes.Async;
        // An asynchronous consultation has no room to start or end: the answer completes the accepted booking.
        if (isAsync && booking.Status != BookingStatus.Accepted) return WrongStatus(booking, "answered", BookingStatus.Accepted);
        if (!isAsync && booking.Status != BookingStatus.Ended) return WrongStatus(booking, "completed", BookingStatus.Ended);
        var summary = args.GetText("summary");
        if (CheckSummary(ctx.State, booking, summary) is { } bad) return Outcome.Fail(bad);
        var terms = ServicesTerms.Read(ctx.State);
        ctx.State.Put(ConsultationSummary.Key(summary), new ConsultationSummary(booking.Id));
        if (isAsync) booking = booking with { Ended = ctx.BlockTime };
        booking = Transition(ctx.State, booking with { Completed = ctx.BlockTime, Summary = summary }, BookingStatus.Completed, ctx.BlockTime,
            (Deadlines.AcknowledgeBy, checked(ctx.BlockTime + terms.AcknowledgementMs)));
        ctx.Emit("ConsultationCompleted", new CborMap { ["booking"] = booking.Id, ["summary"] = summary, ["acknowledgeBy"] = booking.Due });
        return Outcome.Ok;
    }

    /// <summary>The summary must be an Encounter the practitioner signed into this patient's records during or after the consultation.</summary>
    private static string? CheckSummary(ContractState state, Booking booking, string recordId)
    {
        if (state.Get(MedicalRecord.Key(recordId)) is not { } record) return $"no record {recordId}";
        if (state.Get(ConsultationSummary.Key(recordId)) is { } used) return $"record {recordId} already completes booking {used.Booking}";
        if (record.Type != "Encounter") return $"a summary is an Encounter record; {recordId} is a {record.Type}";
        if (record.Patient != booking.Patient) return $"record {recordId} is not this patient's";
        if (record.Author != booking.Practitioner) return $"record {recordId} was not added by you";
        if (record.Erased) return $"record {recordId} was erased";
        var began = booking.Mode == ConsultationModes.Async ? booking.Accepted : booking.Started;
        if (record.Created < began) return $"record {recordId} predates the consultation";
        return null;
    }

    private static Outcome Acknowledge(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Patient, out var booking, out var refusal)) return refusal;
        if (booking.Status != BookingStatus.Completed) return WrongStatus(booking, "acknowledged", BookingStatus.Completed);
        booking = Settle(ctx.State, booking, 0, BookingStatus.Released, ctx.BlockTime, "acknowledged by the patient");
        ctx.Emit("PaymentReleased", new CborMap
        {
            ["booking"] = booking.Id, ["paid"] = booking.Paid, ["fee"] = booking.Fee, ["asset"] = booking.Asset,
        });
        return Outcome.Ok;
    }
}

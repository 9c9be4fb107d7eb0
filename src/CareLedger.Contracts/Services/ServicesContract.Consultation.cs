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
        if (!TryOwn(ctx, args, "practitioner", out var booking, out var refusal)) return refusal;
        if (booking.GetText("status") != BookingStatus.Accepted) return WrongStatus(booking, "started", BookingStatus.Accepted);
        var earliest = booking.GetInt("start") - EarlyStartMs;
        if (ctx.BlockTime < earliest) return Outcome.Fail($"too early: the consultation may start from {earliest}");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");
        booking["started"] = ctx.BlockTime;
        Transition(ctx.State, booking, BookingStatus.InProgress, ctx.BlockTime);
        ctx.Emit("ConsultationStarted", new CborMap { ["booking"] = booking.GetText("id"), ["mode"] = booking.GetText("mode") });
        return Outcome.Ok;
    }

    private static Outcome EndConsultation(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "practitioner", out var booking, out var refusal)) return refusal;
        if (booking.GetText("status") != BookingStatus.InProgress) return WrongStatus(booking, "ended", BookingStatus.InProgress);
        booking["ended"] = ctx.BlockTime;
        Transition(ctx.State, booking, BookingStatus.Ended, ctx.BlockTime);
        ctx.Emit("ConsultationEnded", new CborMap { ["booking"] = booking.GetText("id") });
        return Outcome.Ok;
    }

    private static Outcome Complete(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "practitioner", out var booking, out var refusal)) return refusal;
        if (booking.GetText("status") != BookingStatus.Ended) return WrongStatus(booking, "completed", BookingStatus.Ended);
        var summary = args.GetText("summary");
        if (CheckSummary(ctx.State, booking, summary) is { } bad) return Outcome.Fail(bad);
        var terms = ServicesTerms.Read(ctx.State);
        booking["completed"] = ctx.BlockTime;
        booking["summary"] = summary;
        ctx.State.Put(SummaryPrefix + summary, new CborMap { ["booking"] = booking.GetText("id") });
        Transition(ctx.State, booking, BookingStatus.Completed, ctx.BlockTime, (Deadlines.AcknowledgeBy, checked(ctx.BlockTime + terms.AcknowledgementMs)));
        ctx.Emit("ConsultationCompleted", new CborMap { ["booking"] = booking.GetText("id"), ["summary"] = summary, ["acknowledgeBy"] = booking.GetInt("due") });
        return Outcome.Ok;
    }

    /// <summary>The summary must be an Encounter the practitioner signed into this patient's records during or after the consultation.</summary>
    private static string? CheckSummary(ContractState state, CborMap booking, string recordId)
    {
        if (state.Get(RecordsContract.RecordPrefix + recordId) is not { } record) return $"no record {recordId}";
        if (state.Get(SummaryPrefix + recordId) is { } used) return $"record {recordId} already completes booking {used.GetText("booking")}";
        if (record.GetText("type") != "Encounter") return $"a summary is an Encounter record; {recordId} is a {record.GetText("type")}";
        if (record.GetText("patient") != booking.GetText("patient")) return $"record {recordId} is not this patient's";
        if (record.GetText("author") != booking.GetText("practitioner")) return $"record {recordId} was not added by you";
        if (record.GetBool("erased")) return $"record {recordId} was erased";
        if (record.GetInt("created") < booking.GetInt("started")) return $"record {recordId} predates the consultation";
        return null;
    }

    private static Outcome Acknowledge(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var booking, out var refusal)) return refusal;
        if (booking.GetText("status") != BookingStatus.Completed) return WrongStatus(booking, "acknowledged", BookingStatus.Completed);
        Settle(ctx.State, booking, 0, BookingStatus.Released, ctx.BlockTime, "acknowledged by the patient");
        ctx.Emit("PaymentReleased", new CborMap
        {
            ["booking"] = booking.GetText("id"), ["paid"] = booking.GetInt("paid"), ["fee"] = booking.GetInt("fee"), ["asset"] = booking.GetText("asset"),
        });
        return Outcome.Ok;
    }
}

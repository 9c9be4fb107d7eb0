using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>The arbitrator's decision on a disputed booking.</summary>
public static class DisputeDecisions
{
    public const string Release = "release";
    public const string Refund = "refund";
    public const string Split = "split";

    public static readonly IReadOnlyList<string> All = [Release, Refund, Split];
}

/// <summary>
/// Disputes: either side may open one while the price is still in escrow, which stops every
/// deadline on the booking, and the other side may answer it once; only the arbitrator organisation
/// named in genesis settles it, by releasing, refunding or splitting the escrow.
/// </summary>
public sealed partial class ServicesContract
{
    public const int MaxDisputeReasonLength = 280;

    private static Outcome OpenDispute(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("booking");
        if (ctx.State.Get(Booking.Key(id)) is not { } booking) return Outcome.Fail($"no booking {id}");
        if (booking.Patient != ctx.Sender && booking.Practitioner != ctx.Sender) return Outcome.Fail($"booking {id} is not yours");
        if (ServicesTerms.Read(ctx.State).Arbitrator.Length == 0) return Outcome.Fail("no arbitrator organisation is named in genesis");
        string[] disputable = [BookingStatus.Accepted, BookingStatus.InProgress, BookingStatus.Ended, BookingStatus.Completed];
        if (!disputable.Contains(booking.Status)) return WrongStatus(booking, "disputed", disputable);
        var reason = args.GetText("reason");
        if (reason.Length > MaxDisputeReasonLength) return Outcome.Fail($"a dispute reason is at most {MaxDisputeReasonLength} characters; keep clinical detail in the records vault");

        Transition(ctx.State, booking with { Dispute = new Dispute(ctx.Sender, reason, ctx.BlockTime, booking.Status) }, BookingStatus.Disputed, ctx.BlockTime);
        ctx.Emit("DisputeOpened", new CborMap { ["booking"] = id, ["by"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    /// <summary>The side that did not open the dispute gives its own statement for the arbitrator, once; it changes no money and no deadline.</summary>
    private static Outcome AnswerDispute(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("booking");
        if (ctx.State.Get(Booking.Key(id)) is not { } booking) return Outcome.Fail($"no booking {id}");
        if (booking.Patient != ctx.Sender && booking.Practitioner != ctx.Sender) return Outcome.Fail($"booking {id} is not yours");
        if (booking.Status != BookingStatus.Disputed || booking.Dispute is not { } dispute) return WrongStatus(booking, "answered", BookingStatus.Disputed);
        if (dispute.By == ctx.Sender) return Outcome.Fail("you opened this dispute; the other side answers it");
        if (dispute.Answer is not null) return Outcome.Fail("this dispute has already been answered");
        var statement = args.GetText("statement");
        if (statement.Length > MaxDisputeReasonLength) return Outcome.Fail($"an answer is at most {MaxDisputeReasonLength} characters; keep clinical detail in the records vault");

        ctx.State.Put(Booking.Key(id), booking with { Dispute = dispute with { Answer = statement, Answered = ctx.BlockTime }, Updated = ctx.BlockTime });
        ctx.Emit("DisputeAnswered", new CborMap { ["booking"] = id, ["by"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    private static Outcome Resolve(ContractContext ctx, CborMap args)
    {
        var arbitrator = ServicesTerms.Read(ctx.State).Arbitrator;
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        if (arbitrator.Length == 0 || org != arbitrator) return Outcome.Fail($"only an admin of the arbitrator organisation ({(arbitrator.Length == 0 ? "none named" : arbitrator)}) may resolve disputes");
        var id = args.GetText("booking");
        if (ctx.State.Get(Booking.Key(id)) is not { } booking) return Outcome.Fail($"no booking {id}");
        if (booking.Status != BookingStatus.Disputed) return WrongStatus(booking, "resolved", BookingStatus.Disputed);
        var price = booking.Price;
        var decision = args.GetText("decision");
        var refund = args.TryGetInt("refund");
        long? toPatient = decision switch
        {
            DisputeDecisions.Release when refund is null => 0,
            DisputeDecisions.Refund when refund is null => price,
            DisputeDecisions.Split when refund > 0 && refund < price => refund,
            _ => null,
        };
        if (toPatient is not { } amount)
            return Outcome.Fail($"decide release or refund (without a refund amount), or split with a refund between 1 and {price - 1}");

        var opened = booking.Dispute ?? throw new InvalidOperationException($"booking {id} is disputed but holds no dispute");
        var dispute = opened with { Decision = decision, Decided = ctx.BlockTime, Arbitrator = ctx.Sender };
        booking = Settle(ctx.State, booking with { Dispute = dispute }, amount, BookingStatus.Resolved, ctx.BlockTime, $"dispute resolved: {decision}");
        ctx.Emit("DisputeResolved", new CborMap
        {
            ["booking"] = id, ["decision"] = decision, ["refunded"] = amount, ["paid"] = booking.Paid, ["fee"] = booking.Fee,
        });
        return Outcome.Ok;
    }
}

using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// Who pays and who is paid. A booking's price sits in its own escrow ("booking/{id}") from the
/// moment it is booked until it is settled: part or all refunded to whoever paid (the patient,
/// or the insurer's treasury, whose coverage is then given back), the rest paid to the
/// practitioner less the operator's fee, which goes to the operator's treasury.
/// </summary>
public sealed partial class ServicesContract
{
    public static string EscrowOf(Booking booking) => "booking/" + booking.Id;

    /// <summary>The escrow holding an organisation's funds in one asset.</summary>
    public static string TreasuryOf(string org, string asset) => $"treasury/{org}/{asset}";

    /// <summary>For callers not yet converted to <see cref="Coverage.Key"/>.</summary>
    public static string CoverageKey(string patient, string insurer) => Coverage.Key(AccountId.Parse(patient), insurer).Value;

    /// <summary>Locks the booking's price, from the patient or, when an insurer is named, from its treasury within the patient's coverage.</summary>
    private static Outcome LockPayment(ContractState state, Booking booking)
    {
        var price = booking.Price;
        var asset = booking.Asset;
        var insurer = booking.Insurer;
        if (insurer.Length == 0) return TokenEscrow.Lock(state, EscrowOf(booking), asset, booking.Patient, price);

        var key = Coverage.Key(booking.Patient, insurer);
        if (state.Get(key) is not { } coverage || coverage.Limit == 0) return Outcome.Fail($"{insurer} does not cover you");
        if (coverage.Asset != asset) return Outcome.Fail($"your coverage from {insurer} is in {coverage.Asset}, the consultation costs {asset}");
        if (checked(coverage.Used + price) > coverage.Limit)
            return Outcome.Fail($"coverage limit reached: {coverage.Used} of {coverage.Limit} {asset} used, the consultation costs {price}");
        var treasury = TreasuryOf(insurer, asset);
        if (TokenEscrow.Held(state, treasury) < price)
            return Outcome.Fail($"insufficient funds: the treasury of {insurer} holds {TokenEscrow.Held(state, treasury)} {asset}, needs {price}");
        TokenEscrow.Must(TokenEscrow.Move(state, treasury, EscrowOf(booking), price));
        state.Put(key, coverage with { Used = coverage.Used + price });
        return Outcome.Ok;
    }

    /// <summary>
    /// Closes a booking's escrow: <paramref name="refund"/> back to the payer, the rest to the
    /// practitioner less the fee. A booking closed before its consultation started frees its
    /// slot (if still ahead) and its referral for another booking. Returns the booking as saved.
    /// </summary>
    private static Booking Settle(ContractState state, Booking booking, long refund, string status, long time, string reason)
    {
        var escrow = EscrowOf(booking);
        var held = TokenEscrow.Held(state, escrow);
        if (refund < 0 || refund > held) throw new InvalidOperationException($"cannot refund {refund} of {held} held for booking {booking.Id}");
        if (refund > 0) RefundPayer(state, booking, escrow, refund);
        var fee = held > refund ? PayPractitioner(state, escrow, booking.Practitioner, booking.Asset, held - refund) : 0;
        booking = booking with { Refunded = refund, Paid = held - refund - fee, Fee = fee, Closed = time, Reason = reason };
        if (booking.Started == 0) FreeSlotAndReferral(state, booking, time);
        return Transition(state, booking, status, time);
    }

    private static void RefundPayer(ContractState state, Booking booking, string escrow, long amount)
    {
        var insurer = booking.Insurer;
        if (insurer.Length == 0)
        {
            TokenEscrow.Must(TokenEscrow.Pay(state, escrow, booking.Patient, amount));
            return;
        }
        TokenEscrow.Must(TokenEscrow.Move(state, escrow, TreasuryOf(insurer, booking.Asset), amount));
        var key = Coverage.Key(booking.Patient, insurer);
        var coverage = state.Get(key)!;
        state.Put(key, coverage with { Used = Math.Max(0, coverage.Used - amount) });
    }

    /// <summary>Pays a practitioner out of an escrow, the operator's fee first; returns the fee.</summary>
    private static long PayPractitioner(ContractState state, string escrow, AccountId practitioner, string asset, long amount)
    {
        var terms = ServicesTerms.Read(state);
        var fee = terms.FeeOn(amount);
        if (fee > 0) TokenEscrow.Must(TokenEscrow.Move(state, escrow, TreasuryOf(terms.Operator, asset), fee));
        if (amount > fee) TokenEscrow.Must(TokenEscrow.Pay(state, escrow, practitioner, amount - fee));
        return fee;
    }

    private static void FreeSlotAndReferral(ContractState state, Booking booking, long time)
    {
        var slotKey = Slot.Key(booking.Practitioner, booking.Start);
        if (time < booking.Start && state.Get(slotKey) is { } slot && slot.Booking == booking.Id)
            state.Put(slotKey, slot with { Booking = "" });
        if (booking.Referral.Length > 0 && state.Get(Referral.Key(booking.Referral)) is { } referral)
            state.Put(Referral.Key(booking.Referral), referral with { Booking = "" });
    }

    private static Outcome Deposit(ContractContext ctx, CborMap args)
    {
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var asset = args.GetText("asset");
        var amount = args.GetInt("amount");
        var locked = TokenEscrow.Lock(ctx.State, TreasuryOf(org, asset), asset, ctx.Sender, amount);
        if (!locked.IsOk) return locked;
        ctx.Emit("TreasuryDeposit", new CborMap { ["org"] = org, ["asset"] = asset, ["amount"] = amount, ["by"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    private static Outcome Withdraw(ContractContext ctx, CborMap args)
    {
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var asset = args.GetText("asset");
        var amount = args.GetInt("amount");
        if (amount <= 0) return Outcome.Fail("amount must be positive");
        var held = TokenEscrow.Held(ctx.State, TreasuryOf(org, asset));
        if (held < amount) return Outcome.Fail($"insufficient funds: the treasury of {org} holds {held} {asset}, withdrawal {amount}");
        TokenEscrow.Must(TokenEscrow.Pay(ctx.State, TreasuryOf(org, asset), ctx.Sender, amount));
        ctx.Emit("TreasuryWithdrawal", new CborMap { ["org"] = org, ["asset"] = asset, ["amount"] = amount, ["by"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    /// <summary>An insurer covers a patient's consultations up to a total; setting a limit below what is used stops new cover.</summary>
    private static Outcome SetCoverage(ContractContext ctx, CborMap args)
    {
        var insurer = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var patient = AccountId.Parse(args.GetText("patient"));
        if (Members.FindMember(ctx.State, patient)?.Role != Roles.Patient) return Outcome.Fail($"{patient} is not a registered patient");
        var asset = args.GetText("asset");
        if (!ctx.State.Contains(Asset.Key(asset))) return Outcome.Fail($"unknown asset {asset}");
        var limit = args.GetInt("limit");
        if (limit < 0) return Outcome.Fail("limit must not be negative");
        var key = Coverage.Key(patient, insurer);
        var coverage = ctx.State.Get(key);
        if (coverage is not null && coverage.Used > 0 && coverage.Asset != asset)
            return Outcome.Fail($"the coverage is in use in {coverage.Asset}; its asset cannot change");
        ctx.State.Put(key, new Coverage(patient, insurer, asset, limit, coverage?.Used ?? 0, ctx.BlockTime));
        ctx.Emit("CoverageSet", new CborMap { ["patient"] = patient.ToString(), ["insurer"] = insurer, ["asset"] = asset, ["limit"] = limit });
        return Outcome.Ok;
    }
}

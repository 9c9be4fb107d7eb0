using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// Insurer-paid dispensing: an insurer locks a prescription fund ("rxfund/{org}/{asset}") and sets
/// a coverage limit per patient; a presentation that names the insurer locks its price from that
/// fund within the remaining limit, and whatever the pharmacy does not charge goes back to the fund
/// and the limit. Money only moves between escrows and balances, so supply is unchanged.
/// </summary>
public sealed partial class PrescriptionsContract
{
    public static string FundOf(string org, string asset) => $"rxfund/{org}/{asset}";

    private static Outcome FundCoverage(ContractContext ctx, CborMap args)
    {
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var amount = args.GetInt("amount");
        if (amount <= 0) return Outcome.Fail("amount must be positive");
        return TokenEscrow.Lock(ctx.State, FundOf(org, args.GetText("asset")), args.GetText("asset"), ctx.Sender, amount);
    }

    private static Outcome SetCoverage(ContractContext ctx, CborMap args)
    {
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var patient = AccountId.Parse(args.GetText("patient"));
        if (Members.FindMember(ctx.State, patient)?.Role != Roles.Patient) return Outcome.Fail($"{patient} is not a patient");
        var limit = args.GetInt("limit");
        if (limit < 0) return Outcome.Fail("limit must not be negative");
        var key = PrescriptionCoverage.Key(patient, org);
        var used = ctx.State.Get(key)?.Used ?? 0;
        ctx.State.Put(key, new PrescriptionCoverage(args.GetText("asset"), limit, used));
        ctx.Emit("PrescriptionCoverageSet", new CborMap { ["patient"] = patient.ToString(), ["insurer"] = org, ["limit"] = limit });
        return Outcome.Ok;
    }

    /// <summary>Locks a presentation's price from the insurer's fund, within the patient's remaining coverage.</summary>
    private static Outcome LockFromInsurer(ContractContext ctx, Prescription rx, string insurer, string asset, long price)
    {
        var key = PrescriptionCoverage.Key(rx.Patient, insurer);
        if (ctx.State.Get(key) is not { } coverage) return Outcome.Fail($"{insurer} does not cover this patient's prescriptions");
        if (coverage.Asset != asset) return Outcome.Fail($"{insurer} covers prescriptions in {coverage.Asset}, not {asset}");
        var left = coverage.Limit - coverage.Used;
        if (price > left) return Outcome.Fail($"coverage exceeded: {left} {asset} left of {coverage.Limit}");
        var moved = TokenEscrow.Move(ctx.State, FundOf(insurer, asset), PresentedEscrow(rx.Id), price);
        if (!moved.IsOk) return Outcome.Fail($"{insurer}'s prescription fund cannot pay: {moved.Error}");
        ctx.State.Put(key, coverage with { Used = coverage.Used + price });
        return Outcome.Ok;
    }

    /// <summary>Gives an uncharged remainder back to the insurer's fund and coverage.</summary>
    private static void RefundInsurer(ContractState state, Prescription rx, string insurer, long held)
    {
        TokenEscrow.Must(TokenEscrow.Move(state, PresentedEscrow(rx.Id), FundOf(insurer, rx.Asset), held));
        var key = PrescriptionCoverage.Key(rx.Patient, insurer);
        if (state.Get(key) is { } coverage) state.Put(key, coverage with { Used = Math.Max(0, coverage.Used - held) });
    }
}

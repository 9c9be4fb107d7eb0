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
    public const string CoveragePrefix = "prescriptions/coverage/";

    public static string FundOf(string org, string asset) => $"rxfund/{org}/{asset}";

    private static string CoverageKey(string patient, string org) => $"{CoveragePrefix}{patient}/{org}";

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
        var key = CoverageKey(patient.ToString(), org);
        var used = ctx.State.Get(key)?.GetInt("used") ?? 0;
        ctx.State.Put(key, new CborMap { ["asset"] = args.GetText("asset"), ["limit"] = limit, ["used"] = used });
        ctx.Emit("PrescriptionCoverageSet", new CborMap { ["patient"] = patient.ToString(), ["insurer"] = org, ["limit"] = limit });
        return Outcome.Ok;
    }

    /// <summary>Locks a presentation's price from the insurer's fund, within the patient's remaining coverage.</summary>
    private static Outcome LockFromInsurer(ContractContext ctx, CborMap rx, string insurer, string asset, long price)
    {
        if (ctx.State.Get(CoverageKey(rx.GetText("patient"), insurer)) is not { } coverage) return Outcome.Fail($"{insurer} does not cover this patient's prescriptions");
        if (coverage.GetText("asset") != asset) return Outcome.Fail($"{insurer} covers prescriptions in {coverage.GetText("asset")}, not {asset}");
        var left = coverage.GetInt("limit") - coverage.GetInt("used");
        if (price > left) return Outcome.Fail($"coverage exceeded: {left} {asset} left of {coverage.GetInt("limit")}");
        var moved = TokenEscrow.Move(ctx.State, FundOf(insurer, asset), PresentedEscrow(rx.GetText("id")), price);
        if (!moved.IsOk) return Outcome.Fail($"{insurer}'s prescription fund cannot pay: {moved.Error}");
        coverage["used"] = coverage.GetInt("used") + price;
        ctx.State.Put(CoverageKey(rx.GetText("patient"), insurer), coverage);
        return Outcome.Ok;
    }

    /// <summary>Gives an uncharged remainder back to the insurer's fund and coverage.</summary>
    private static void RefundInsurer(ContractState state, CborMap rx, string insurer, long held)
    {
        var asset = rx.GetText("asset");
        TokenEscrow.Must(TokenEscrow.Move(state, PresentedEscrow(rx.GetText("id")), FundOf(insurer, asset), held));
        if (state.Get(CoverageKey(rx.GetText("patient"), insurer)) is { } coverage)
        {
            coverage["used"] = Math.Max(0, coverage.GetInt("used") - held);
            state.Put(CoverageKey(rx.GetText("patient"), insurer), coverage);
        }
    }
}

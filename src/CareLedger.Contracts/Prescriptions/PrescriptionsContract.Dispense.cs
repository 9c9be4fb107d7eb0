using System.Text;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// Presenting and dispensing. A presentation binds the prescription to one pharmacy and the hash
/// of a one-time code, and locks the price the patient agreed to in the escrow "presented/{id}".
/// A dispense consumes the presentation: the charge goes to the pharmacy's till
/// ("till/{org}/{asset}"), the rest back to the patient, and the next fill needs a new code.
/// </summary>
public sealed partial class PrescriptionsContract
{
    public static string PresentedEscrow(string rxId) => "presented/" + rxId;

    public static string TillOf(string org, string asset) => $"till/{org}/{asset}";

    /// <summary>The hash a patient publishes for a one-time code: SHA-256 of "careledger/rx-code/v1/{prescription}/{code}" in UTF-8.</summary>
    public static Hash256 CodeHash(string rxId, string code) => Hash256.Of(Encoding.UTF8.GetBytes($"careledger/rx-code/v1/{rxId}/{code}"));

    private static Outcome Present(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var rx, out var refusal)) return refusal;
        if (Dispensable(ctx.State, rx, ctx.BlockTime) is { } why) return Outcome.Fail(why);
        var pharmacy = args.GetText("pharmacy");
        if (Members.FindOrganisation(ctx.State, pharmacy) is not { } org) return Outcome.Fail($"no organisation '{pharmacy}'");
        if (org.Kind != OrganisationKinds.Pharmacy) return Outcome.Fail($"{pharmacy} is a {org.Kind}, not a pharmacy");
        var codeHash = args.GetText("codeHash");
        if (!Hash256.TryParse(codeHash, out _)) return Outcome.Fail("codeHash must be a SHA-256 in hex");
        var price = args.GetInt("price");
        if (price < 0) return Outcome.Fail("price must not be negative");
        var asset = args.TryGetText("asset") ?? "";
        if (price > 0 && asset.Length == 0) return Outcome.Fail("name the asset the price is in");

        ReleasePresentation(ctx.State, rx);
        var insurer = args.TryGetText("insurer") ?? "";
        if (price > 0)
        {
            var locked = insurer.Length > 0
                ? LockFromInsurer(ctx, rx, insurer, asset, price)
                : TokenEscrow.Lock(ctx.State, PresentedEscrow(rx.GetText("id")), asset, ctx.Sender, price);
            if (!locked.IsOk) return locked;
        }
        rx["payer"] = insurer;
        rx["pharmacy"] = pharmacy;
        rx["codeHash"] = codeHash;
        rx["price"] = price;
        rx["asset"] = asset;
        Save(ctx.State, rx);
        ctx.Emit("PrescriptionPresented", new CborMap { ["prescription"] = rx.GetText("id"), ["pharmacy"] = pharmacy, ["price"] = price });
        return Outcome.Ok;
    }

    private static Outcome Withdraw(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var rx, out var refusal)) return refusal;
        if (rx.GetText("pharmacy").Length == 0) return Outcome.Fail($"prescription {rx.GetText("id")} is not presented to a pharmacy");
        ReleasePresentation(ctx.State, rx);
        Save(ctx.State, rx);
        ctx.Emit("PresentationWithdrawn", new CborMap { ["prescription"] = rx.GetText("id") });
        return Outcome.Ok;
    }

    private static Outcome Dispense(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("prescription");
        if (ctx.State.Get(RxPrefix + id) is not { } rx) return Outcome.Fail($"no prescription {id}");
        if (CheckFill(rx, args.GetInt("fill")) is { } badFill) return Outcome.Fail(badFill);
        if (Dispensable(ctx.State, rx, ctx.BlockTime) is { } why) return Outcome.Fail(why);
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        if (rx.GetText("pharmacy").Length == 0) return Outcome.Fail($"prescription {id} is not presented to a pharmacy");
        if (rx.GetText("pharmacy") != org) return Outcome.Fail($"wrong pharmacy: prescription {id} was presented to another pharmacy, not {org}");
        if (CodeHash(id, args.GetText("code")).ToString() != rx.GetText("codeHash")) return Outcome.Fail("wrong code: the one-time code does not match the presentation");
        if (args.GetText("contentHash") != rx.GetText("contentHash")) return Outcome.Fail("tampered prescription: its content does not match the hash the prescriber signed");
        var prescriber = AccountId.Parse(rx.GetText("prescriber"));
        var atIssue = LicensingContract.Check(ctx.State, prescriber, rx.GetInt("signedAt"));
        if (!atIssue.IsOk) return Outcome.Fail($"unlicensed prescriber at issue: {atIssue.Error}");
        var pharmacist = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!pharmacist.IsOk) return Outcome.Fail($"unlicensed pharmacist: {pharmacist.Error}");
        var quantity = args.GetInt("quantity");
        var remaining = rx.GetInt("remaining");
        if (quantity <= 0) return Outcome.Fail("quantity must be positive");
        if (quantity > remaining) return Outcome.Fail($"quantity too large: {remaining} doses remain in fill {args.GetInt("fill")}, asked for {quantity}");
        var charge = args.GetInt("charge");
        if (charge < 0 || charge > rx.GetInt("price")) return Outcome.Fail($"charge must be between 0 and the {rx.GetInt("price")} the patient agreed to");

        var fill = args.GetInt("fill");
        var asset = rx.GetText("asset");
        if (charge > 0) TokenEscrow.Must(TokenEscrow.Move(ctx.State, PresentedEscrow(id), TillOf(org, asset), charge));
        rx["price"] = rx.GetInt("price") - charge;
        ReleasePresentation(ctx.State, rx);
        rx["remaining"] = remaining - quantity;
        rx["dispensed"] = checked(rx.GetInt("dispensed") + quantity);
        rx["dispenses"] = rx.GetInt("dispenses") + 1;
        var fillCompleted = rx.GetInt("remaining") == 0;
        if (fillCompleted)
        {
            rx["fillsLeft"] = rx.GetInt("fillsLeft") - 1;
            if (rx.GetInt("fillsLeft") > 0) rx["remaining"] = rx.GetInt("quantity");
        }
        if (rx.GetInt("firstDay") < 0) rx["firstDay"] = ctx.BlockTime / Day;
        // Rewarded once per completed fill, so splitting a fill into many partial dispenses earns nothing more.
        var reward = fillCompleted ? PayReward(ctx.State, rx, "rewardPerDispense") : 0;
        Save(ctx.State, rx);
        ctx.State.Put($"{DispensePrefix}{id}/{rx.GetInt("dispenses"):D4}", new CborMap
        {
            ["fill"] = fill, ["quantity"] = quantity, ["charge"] = charge, ["asset"] = asset, ["pharmacy"] = org,
            ["pharmacist"] = ctx.Sender.ToString(), ["time"] = ctx.BlockTime, ["tx"] = ctx.TxId.ToString(), ["reward"] = reward,
        });
        ctx.Emit("Dispensed", new CborMap
        {
            ["prescription"] = id, ["fill"] = fill, ["quantity"] = quantity, ["pharmacy"] = org, ["charge"] = charge,
            ["fillsLeft"] = rx.GetInt("fillsLeft"), ["remaining"] = rx.GetInt("remaining"),
        });
        return Outcome.Ok;
    }

    /// <summary>Dispensing is for the current fill only: an earlier fill is done, a later one not due.</summary>
    private static string? CheckFill(CborMap rx, long fill)
    {
        var current = rx.GetInt("fills") - rx.GetInt("fillsLeft") + 1;
        if (rx.GetInt("fillsLeft") == 0) return $"no fills left: all {rx.GetInt("fills")} fills of prescription {rx.GetText("id")} were dispensed";
        if (fill < current) return $"fill {fill} was already dispensed";
        if (fill > current) return $"fill {fill} is not due: fill {current} comes first";
        return null;
    }

    /// <summary>Why the prescription cannot be presented or dispensed now, or null.</summary>
    private static string? Dispensable(ContractState state, CborMap rx, long time)
    {
        var id = rx.GetText("id");
        if (rx.GetText("status") == "cancelled") return $"prescription {id} was cancelled by the prescriber";
        if (rx.GetInt("expiry") <= time) return $"prescription {id} has expired";
        if (rx.GetInt("fillsLeft") == 0) return $"no fills left: all {rx.GetInt("fills")} fills of prescription {id} were dispensed";
        if (PrescriberRevoked(state, rx, time)) return "the prescriber's licence was revoked: another practitioner must renew the prescription";
        return null;
    }

    /// <summary>Ends the current presentation, giving back whatever price is still locked to the patient.</summary>
    private static void ReleasePresentation(ContractState state, CborMap rx)
    {
        var escrow = PresentedEscrow(rx.GetText("id"));
        var held = TokenEscrow.Held(state, escrow);
        var payer = rx.TryGetText("payer") ?? "";
        if (held > 0 && payer.Length > 0) RefundInsurer(state, rx, payer, held);
        else if (held > 0) TokenEscrow.Must(TokenEscrow.Pay(state, escrow, AccountId.Parse(rx.GetText("patient")), held));
        rx["payer"] = "";
        rx["pharmacy"] = "";
        rx["codeHash"] = "";
        rx["price"] = 0L;
        rx["asset"] = "";
    }

    private static Outcome Collect(ContractContext ctx, CborMap args)
    {
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var asset = args.GetText("asset");
        var amount = args.GetInt("amount");
        if (amount <= 0) return Outcome.Fail("amount must be positive");
        var held = TokenEscrow.Held(ctx.State, TillOf(org, asset));
        if (held < amount) return Outcome.Fail($"insufficient funds: the till of {org} holds {held} {asset}, asked for {amount}");
        TokenEscrow.Must(TokenEscrow.Pay(ctx.State, TillOf(org, asset), ctx.Sender, amount));
        ctx.Emit("TillCollected", new CborMap { ["org"] = org, ["asset"] = asset, ["amount"] = amount, ["by"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }
}

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
        if (!TryOwn(ctx, args, r => r.Patient, out var rx, out var refusal)) return refusal;
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

        rx = ReleasePresentation(ctx.State, rx);
        var insurer = args.TryGetText("insurer") ?? "";
        if (price > 0)
        {
            var locked = insurer.Length > 0
                ? LockFromInsurer(ctx, rx, insurer, asset, price)
                : TokenEscrow.Lock(ctx.State, PresentedEscrow(rx.Id), asset, ctx.Sender, price);
            if (!locked.IsOk) return locked;
        }
        Save(ctx.State, rx with { Payer = insurer, Pharmacy = pharmacy, CodeHash = codeHash, Price = price, Asset = asset });
        ctx.Emit("PrescriptionPresented", new CborMap { ["prescription"] = rx.Id, ["pharmacy"] = pharmacy, ["price"] = price });
        return Outcome.Ok;
    }

    private static Outcome Withdraw(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, r => r.Patient, out var rx, out var refusal)) return refusal;
        if (rx.Pharmacy.Length == 0) return Outcome.Fail($"prescription {rx.Id} is not presented to a pharmacy");
        Save(ctx.State, ReleasePresentation(ctx.State, rx));
        ctx.Emit("PresentationWithdrawn", new CborMap { ["prescription"] = rx.Id });
        return Outcome.Ok;
    }

    private static Outcome Dispense(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("prescription");
        if (ctx.State.Get(Prescription.Key(id)) is not { } rx) return Outcome.Fail($"no prescription {id}");
        if (CheckFill(rx, args.GetInt("fill")) is { } badFill) return Outcome.Fail(badFill);
        if (Dispensable(ctx.State, rx, ctx.BlockTime) is { } why) return Outcome.Fail(why);
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        if (rx.Pharmacy.Length == 0) return Outcome.Fail($"prescription {id} is not presented to a pharmacy");
        if (rx.Pharmacy != org) return Outcome.Fail($"wrong pharmacy: prescription {id} was presented to another pharmacy, not {org}");
        if (CodeHash(id, args.GetText("code")).ToString() != rx.CodeHash) return Outcome.Fail("wrong code: the one-time code does not match the presentation");
        if (args.GetText("contentHash") != rx.ContentHash) return Outcome.Fail("tampered prescription: its content does not match the hash the prescriber signed");
        var atIssue = LicensingContract.Check(ctx.State, rx.Prescriber, rx.SignedAt);
        if (!atIssue.IsOk) return Outcome.Fail($"unlicensed prescriber at issue: {atIssue.Error}");
        var pharmacist = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!pharmacist.IsOk) return Outcome.Fail($"unlicensed pharmacist: {pharmacist.Error}");
        var quantity = args.GetInt("quantity");
        if (quantity <= 0) return Outcome.Fail("quantity must be positive");
        if (quantity > rx.Remaining) return Outcome.Fail($"quantity too large: {rx.Remaining} doses remain in fill {args.GetInt("fill")}, asked for {quantity}");
        var charge = args.GetInt("charge");
        if (charge < 0 || charge > rx.Price) return Outcome.Fail($"charge must be between 0 and the {rx.Price} the patient agreed to");

        var fill = args.GetInt("fill");
        var asset = rx.Asset;
        if (charge > 0) TokenEscrow.Must(TokenEscrow.Move(ctx.State, PresentedEscrow(id), TillOf(org, asset), charge));
        rx = ReleasePresentation(ctx.State, rx);
        rx = rx with { Remaining = rx.Remaining - quantity, Dispensed = checked(rx.Dispensed + quantity), Dispenses = rx.Dispenses + 1 };
        var fillCompleted = rx.Remaining == 0;
        if (fillCompleted)
        {
            var fillsLeft = rx.FillsLeft - 1;
            rx = rx with { FillsLeft = fillsLeft, Remaining = fillsLeft > 0 ? rx.Quantity : 0 };
        }
        if (rx.FirstDay < 0) rx = rx with { FirstDay = ctx.BlockTime / Day };
        // Rewarded once per completed fill, so splitting a fill into many partial dispenses earns nothing more.
        var reward = 0L;
        if (fillCompleted) (rx, reward) = PayReward(ctx.State, rx, p => p.RewardPerDispense);
        Save(ctx.State, rx);
        ctx.State.Put(DispenseEntry.Key(id, rx.Dispenses), new DispenseEntry(fill, quantity, charge, asset, org, ctx.Sender, ctx.BlockTime, ctx.TxId.ToString(), reward));
        ctx.Emit("Dispensed", new CborMap
        {
            ["prescription"] = id, ["fill"] = fill, ["quantity"] = quantity, ["pharmacy"] = org, ["charge"] = charge,
            ["fillsLeft"] = rx.FillsLeft, ["remaining"] = rx.Remaining,
        });
        return Outcome.Ok;
    }

    /// <summary>Dispensing is for the current fill only: an earlier fill is done, a later one not due.</summary>
    private static string? CheckFill(Prescription rx, long fill)
    {
        var current = rx.Fills - rx.FillsLeft + 1;
        if (rx.FillsLeft == 0) return $"no fills left: all {rx.Fills} fills of prescription {rx.Id} were dispensed";
        if (fill < current) return $"fill {fill} was already dispensed";
        if (fill > current) return $"fill {fill} is not due: fill {current} comes first";
        return null;
    }

    /// <summary>Why the prescription cannot be presented or dispensed now, or null.</summary>
    private static string? Dispensable(ContractState state, Prescription rx, long time)
    {
        var id = rx.Id;
        if (rx.Status == PrescriptionStatus.Cancelled) return $"prescription {id} was cancelled by the prescriber";
        if (rx.Expiry <= time) return $"prescription {id} has expired";
        if (rx.FillsLeft == 0) return $"no fills left: all {rx.Fills} fills of prescription {id} were dispensed";
        if (PrescriberRevoked(state, rx, time)) return "the prescriber's licence was revoked: another practitioner must renew the prescription";
        return null;
    }

    /// <summary>Ends the current presentation, giving back whatever price is still locked to the patient; returns the prescription without it.</summary>
    private static Prescription ReleasePresentation(ContractState state, Prescription rx)
    {
        var escrow = PresentedEscrow(rx.Id);
        var held = TokenEscrow.Held(state, escrow);
        if (held > 0 && rx.Payer.Length > 0) RefundInsurer(state, rx, rx.Payer, held);
        else if (held > 0) TokenEscrow.Must(TokenEscrow.Pay(state, escrow, rx.Patient, held));
        return rx.Unpresented();
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

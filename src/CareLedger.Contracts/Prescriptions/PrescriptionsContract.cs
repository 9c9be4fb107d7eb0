using System.Diagnostics.CodeAnalysis;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// E-prescriptions. A licensed practitioner with a care relationship to the patient issues one
/// for a MedicationRequest record they added (encrypted in the vault; the ledger keeps its id,
/// content hash, prescriber, patient, quantity, fills and expiry), with the treatment-support
/// alerts they acknowledged. The patient presents it to one pharmacy with the hash of a one-time
/// code and locks what they agree to pay; a licensed pharmacist of that pharmacy proves the code
/// and dispenses a fill, in full or in part, atomically. The prescriber may cancel; a revoked
/// licence blocks further dispensing until another practitioner renews. Adherence programmes,
/// funded by insurers or clinics, reward dispenses and days on which the patient checked in every
/// scheduled dose. Money moves only through <see cref="Tokens.TokenEscrow"/>.
/// </summary>
public sealed partial class PrescriptionsContract : IContract
{
    public const string ContractName = "prescriptions";

    public const long Day = 24 * 3_600_000;
    public const long MaxValidityMs = 366 * Day;
    public const long MaxFills = 12;
    public const long MaxDosesPerDay = 24;
    public const int MaxAlerts = 32;

    public string Name => ContractName;

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("issue",
            [new("prescription", ArgKind.Text), new("patient", ArgKind.Account), new("record", ArgKind.Text), new("medication", ArgKind.Text),
             new("quantity", ArgKind.Integer), new("fills", ArgKind.Integer), new("expiry", ArgKind.Integer), new("dosesPerDay", ArgKind.Integer),
             new("alerts", ArgKind.List)],
            "a practitioner licensed at block time with a care relationship to the patient, naming the MedicationRequest record they added",
            Members.WithRole(Roles.Practitioner), Issue),
        new("cancel", [new("prescription", ArgKind.Text), new("reason", ArgKind.Text, Optional: true)],
            "the prescription's prescriber", Members.WithRole(Roles.Practitioner), Cancel),
        new("renew", [new("prescription", ArgKind.Text), new("contentHash", ArgKind.Text)],
            "another licensed practitioner with a care relationship, when the prescriber's licence was revoked", Members.WithRole(Roles.Practitioner), Renew),
        new("present",
            [new("prescription", ArgKind.Text), new("pharmacy", ArgKind.Text), new("codeHash", ArgKind.Text), new("price", ArgKind.Integer),
             new("asset", ArgKind.Text, Optional: true), new("insurer", ArgKind.Text, Optional: true)],
            "the patient; the price they agree to is locked from their balance, or from their insurer's prescription fund within its coverage",
            Members.WithRole(Roles.Patient), Present),
        new("fund-coverage", [new("asset", ArgKind.Text), new("amount", ArgKind.Integer)],
            "an insurer admin, from their balance into the insurer's prescription fund", Members.AdminOf(OrganisationKinds.Insurer), FundCoverage),
        new("set-coverage", [new("patient", ArgKind.Account), new("asset", ArgKind.Text), new("limit", ArgKind.Integer)],
            "an insurer admin: how much of a patient's prescriptions the insurer pays", Members.AdminOf(OrganisationKinds.Insurer), SetCoverage),
        new("withdraw", [new("prescription", ArgKind.Text)], "the patient, taking back a presentation and its locked price", Members.WithRole(Roles.Patient), Withdraw),
        new("dispense",
            [new("prescription", ArgKind.Text), new("fill", ArgKind.Integer), new("quantity", ArgKind.Integer), new("code", ArgKind.Text),
             new("contentHash", ArgKind.Text), new("charge", ArgKind.Integer)],
            "a licensed pharmacist of the pharmacy the prescription was presented to, proving the one-time code", Members.WithRole(Roles.Pharmacist), Dispense),
        new("collect", [new("asset", ArgKind.Text), new("amount", ArgKind.Integer)],
            "an admin of a pharmacy, from its till into their balance", Members.AdminOf(OrganisationKinds.Pharmacy), Collect),
        new("fund-programme",
            [new("programme", ArgKind.Text), new("asset", ArgKind.Text), new("amount", ArgKind.Integer), new("rewardPerDay", ArgKind.Integer),
             new("rewardPerDispense", ArgKind.Integer)],
            "an admin of an insurer or a clinic, from their balance into the programme's pool", Members.AdminOf(null), FundProgramme),
        new("join", [new("prescription", ArgKind.Text), new("programme", ArgKind.Text)], "the prescription's patient", Members.WithRole(Roles.Patient), Join),
        new("check-in", [new("prescription", ArgKind.Text)], "the prescription's patient: one dose taken", Members.WithRole(Roles.Patient), CheckIn),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
    }

    /// <summary>The prescription named in the arguments, when the sender is its <paramref name="party"/> (its patient or prescriber).</summary>
    private static bool TryOwn(ContractContext ctx, CborMap args, Func<Prescription, AccountId> party, [NotNullWhen(true)] out Prescription? rx, out Outcome refusal)
    {
        var id = args.GetText("prescription");
        rx = ctx.State.Get(Prescription.Key(id));
        refusal = rx is null ? Outcome.Fail($"no prescription {id}")
            : party(rx) != ctx.Sender ? Outcome.Fail($"prescription {id} is not yours")
            : Outcome.Ok;
        if (!refusal.IsOk) rx = null;
        return rx is not null;
    }

    private static void Save(ContractState state, Prescription rx) => state.Put(Prescription.Key(rx.Id), rx);
}

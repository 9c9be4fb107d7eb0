using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>Read-only questions: a prescription with its dispenses, a patient's prescriptions and adherence, programmes and tills.</summary>
public sealed partial class PrescriptionsContract
{
    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("prescription", [new("prescription", ArgKind.Text)], PartyToPrescription, (q, args) =>
        {
            var id = args.GetText("prescription");
            if (q.State.Get(Prescription.Key(id)) is not { } rx) return Found.Of<PrescriptionDetail>(null);
            return Found.Of(new PrescriptionDetail(rx, [.. q.State.Scan(DispenseEntry.Of(id)).Select(e => e.Value)], ScheduledDoses(rx, q.Time)));
        }),
        ContractQuery.Of("prescriptions", [new("patient", ArgKind.Account), .. QueryPaging.Args], PatientOrCarer, (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, PatientPrescription.Of(AccountId.Parse(args.GetText("patient"))), args);
            return new PrescriptionList([.. page.Select(e => q.State.Get(Prescription.Key(StateKeys.LastSegment(e.Key)))!)], next);
        }),
        ContractQuery.Of("adherence", [new("patient", ArgKind.Account)], PatientOrCarer, Adherence),
        ContractQuery.Of("programme", [new("programme", ArgKind.Text)], Audiences.Public, (q, args) =>
            Found.Of(q.State.Get(AdherenceProgramme.Key(args.GetText("programme"))) is { } programme
                ? new ProgrammeDetail(programme, TokenEscrow.Held(q.State, ProgrammeEscrow(programme.Id)))
                : null)),
        ContractQuery.Of("till", [new("org", ArgKind.Text), new("asset", ArgKind.Text)], Audiences.StaffOf("org"), (q, args) => new OrganisationFunds(
            args.GetText("org"), args.GetText("asset"), TokenEscrow.Held(q.State, TillOf(args.GetText("org"), args.GetText("asset"))))),
        ContractQuery.Of("fund", [new("org", ArgKind.Text), new("asset", ArgKind.Text)], Audiences.StaffOf("org"), (q, args) => new OrganisationFunds(
            args.GetText("org"), args.GetText("asset"), TokenEscrow.Held(q.State, FundOf(args.GetText("org"), args.GetText("asset"))))),
    ];

    /// <summary>
    /// The patient, the prescriber (and whoever issued it for them), the pharmacists of the pharmacy it is presented to,
    /// staff of the insurer paying for it, or oversight.
    /// </summary>
    public static bool PartyToPrescription(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees) return true;
        if (asker.Account is not { } account || q.State.Get(Prescription.Key(args.GetText("prescription"))) is not { } rx) return false;
        if (account == rx.Patient || account == rx.Prescriber || account == rx.IssuedBy) return true;
        if (asker.Organisation is not { } org || asker.Role is Roles.Patient) return false;
        return (org == rx.Pharmacy && asker.Role == Roles.Pharmacist) || org == rx.Payer;
    }

    /// <summary>The patient, a practitioner caring for them (a treatment grant or a consultation), or oversight.</summary>
    public static bool PatientOrCarer(QueryContext q, CborMap args, Asker asker) =>
        asker.Oversees || asker.Is(args.GetText("patient"))
        || (asker.Role == Roles.Practitioner && asker.Account is { } account
            && CareRelationship.Check(q.State, account, AccountId.Parse(args.GetText("patient")), q.Time).IsOk);
}

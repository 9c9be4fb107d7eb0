using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>Read-only questions: a prescription with its dispenses, a patient's prescriptions and adherence, programmes and tills.</summary>
public sealed partial class PrescriptionsContract
{
    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("prescription", [new("prescription", ArgKind.Text)], (q, args) =>
        {
            var id = args.GetText("prescription");
            if (q.State.Get(Prescription.Key(id)) is not { } rx) return Found.Of<PrescriptionDetail>(null);
            return Found.Of(new PrescriptionDetail(rx, [.. q.State.Scan(DispenseEntry.Of(id)).Select(e => e.Value)], ScheduledDoses(rx, q.Time)));
        }),
        ContractQuery.Of("prescriptions", [new("patient", ArgKind.Account)], (q, args) => new PrescriptionList(
            [.. q.State.Scan(PatientPrescription.Of(AccountId.Parse(args.GetText("patient")))).Select(e => q.State.Get(Prescription.Key(StateKeys.LastSegment(e.Key)))!)])),
        ContractQuery.Of("adherence", [new("patient", ArgKind.Account)], Adherence),
        ContractQuery.Of("programme", [new("programme", ArgKind.Text)], (q, args) =>
            Found.Of(q.State.Get(AdherenceProgramme.Key(args.GetText("programme"))) is { } programme
                ? new ProgrammeDetail(programme, TokenEscrow.Held(q.State, ProgrammeEscrow(programme.Id)))
                : null)),
        ContractQuery.Of("till", [new("org", ArgKind.Text), new("asset", ArgKind.Text)], (q, args) => new OrganisationFunds(
            args.GetText("org"), args.GetText("asset"), TokenEscrow.Held(q.State, TillOf(args.GetText("org"), args.GetText("asset"))))),
    ];
}

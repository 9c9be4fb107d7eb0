using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>Read-only questions: a prescription with its dispenses, a patient's prescriptions and adherence, programmes and tills.</summary>
public sealed partial class PrescriptionsContract
{
    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        new("prescription", [new("prescription", ArgKind.Text)], (q, args) =>
        {
            var id = args.GetText("prescription");
            if (q.State.Get(RxPrefix + id) is not { } rx) return new CborMap { ["found"] = false };
            rx["found"] = true;
            rx["dispenseLog"] = q.State.Scan($"{DispensePrefix}{id}/").Select(e => (object)e.Value).ToList();
            rx["scheduled"] = ScheduledDoses(rx, q.Time);
            return rx;
        }),
        new("prescriptions", [new("patient", ArgKind.Account)], (q, args) => new CborMap
        {
            ["prescriptions"] = q.State.Scan($"{PatientIndexPrefix}{args.GetText("patient")}/")
                .Select(e => (object)q.State.Get(RxPrefix + e.Key.Split('/')[^1])!).ToList(),
        }),
        new("adherence", [new("patient", ArgKind.Account)], Adherence),
        new("programme", [new("programme", ArgKind.Text)], (q, args) =>
        {
            if (q.State.Get(ProgrammePrefix + args.GetText("programme")) is not { } programme) return new CborMap { ["found"] = false };
            programme["found"] = true;
            programme["pool"] = TokenEscrow.Held(q.State, ProgrammeEscrow(programme.GetText("id")));
            return programme;
        }),
        new("till", [new("org", ArgKind.Text), new("asset", ArgKind.Text)], (q, args) => new CborMap
        {
            ["org"] = args.GetText("org"), ["asset"] = args.GetText("asset"),
            ["amount"] = TokenEscrow.Held(q.State, TillOf(args.GetText("org"), args.GetText("asset"))),
        }),
    ];
}

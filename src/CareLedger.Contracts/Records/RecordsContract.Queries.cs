using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>Read-only questions about records, consent and the access log.</summary>
public sealed partial class RecordsContract
{
    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("record", [new("record", ArgKind.Text)], (q, args) =>
        {
            var id = args.GetText("record");
            var record = q.State.Get(MedicalRecord.Key(id));
            return Found.Of(record is null ? null : new RecordDetail(record, [.. q.State.Scan(RecordVersion.Of(id)).Select(v => v.Value)]));
        }),
        ContractQuery.Of("patient-records", [new("patient", ArgKind.Account)], (q, args) => new RecordList(
            [.. q.State.Scan(PatientRecordEntry.Of(AccountId.Parse(args.GetText("patient")))).Select(e => q.State.Get(MedicalRecord.Key(StateKeys.LastSegment(e.Key)))!)])),
        ContractQuery.Of("grants", [new("patient", ArgKind.Account)], (q, args) =>
            new GrantList([.. q.State.Scan(ConsentGrant.Of(AccountId.Parse(args.GetText("patient")))).Select(e => e.Value)])),
        ContractQuery.Of("access-log", [new("patient", ArgKind.Account)], (q, args) =>
            new AccessLog([.. q.State.Scan(LoggedAccess.Of(AccountId.Parse(args.GetText("patient")))).Select(e => e.Value)])),
        ContractQuery.Of("can-read", [new("record", ArgKind.Text), new("reader", ArgKind.Account)], (q, args) =>
            RecordAccess.CheckRead(q.State, args.GetText("record"), AccountId.Parse(args.GetText("reader")), q.Time)),
    ];
}

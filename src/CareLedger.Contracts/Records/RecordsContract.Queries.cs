using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>Read-only questions about records, consent and the access log.</summary>
public sealed partial class RecordsContract
{
    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        new("record", [new("record", ArgKind.Text)], (q, args) =>
        {
            var id = args.GetText("record");
            if (q.State.Get(RecordPrefix + id) is not { } record) return new CborMap { ["found"] = false };
            record["found"] = true;
            record["versions"] = q.State.Scan($"{VersionPrefix}{id}/").Select(v => (object)v.Value).ToList();
            return record;
        }),
        new("patient-records", [new("patient", ArgKind.Account)], (q, args) => new CborMap
        {
            ["records"] = q.State.Scan($"{PatientIndexPrefix}{args.GetText("patient")}/")
                .Select(e => (object)q.State.Get(RecordPrefix + e.Key.Split('/')[^1])!).ToList(),
        }),
        new("grants", [new("patient", ArgKind.Account)], (q, args) => new CborMap
        {
            ["grants"] = q.State.Scan($"{GrantPrefix}{args.GetText("patient")}/").Select(e => (object)e.Value).ToList(),
        }),
        new("access-log", [new("patient", ArgKind.Account)], (q, args) => new CborMap
        {
            ["entries"] = q.State.Scan($"{AccessPrefix}{args.GetText("patient")}/").Select(e => (object)e.Value).ToList(),
        }),
        new("can-read", [new("record", ArgKind.Text), new("reader", ArgKind.Account)], (q, args) =>
        {
            var d = RecordAccess.CheckRead(q.State, args.GetText("record"), AccountId.Parse(args.GetText("reader")), q.Time);
            var answer = new CborMap { ["allowed"] = d.Allowed, ["reason"] = d.Reason };
            if (d.Purpose is not null) answer["purpose"] = d.Purpose;
            if (d.GrantId is not null) answer["grant"] = d.GrantId;
            return answer;
        }),
    ];
}

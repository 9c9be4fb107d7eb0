using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>Read-only questions about records, consent and the access log.</summary>
public sealed partial class RecordsContract
{
    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("record", [new("record", ArgKind.Text)], PatientOrReaderOfRecord, (q, args) =>
        {
            var id = args.GetText("record");
            var record = q.State.Get(MedicalRecord.Key(id));
            return Found.Of(record is null ? null : new RecordDetail(record, [.. q.State.Scan(RecordVersion.Of(id)).Select(v => v.Value)]));
        }),
        ContractQuery.Of("patient-records", [new("patient", ArgKind.Account), .. QueryPaging.Args], Audiences.Self("patient"), (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, PatientRecordEntry.Of(AccountId.Parse(args.GetText("patient"))), args);
            return new RecordList([.. page.Select(e => q.State.Get(MedicalRecord.Key(StateKeys.LastSegment(e.Key)))!)], next);
        }),
        ContractQuery.Of("grants", [new("patient", ArgKind.Account), .. QueryPaging.Args], Audiences.Either(Audiences.Self("patient"), Grantee), (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, ConsentGrant.Of(AccountId.Parse(args.GetText("patient"))), args);
            return new GrantList([.. page.Select(e => e.Value)], next);
        }),
        ContractQuery.Of("access-log", [new("patient", ArgKind.Account), .. QueryPaging.Args], Audiences.Self("patient"), (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, LoggedAccess.Of(AccountId.Parse(args.GetText("patient"))), args);
            return new AccessLog([.. page.Select(e => e.Value)], next);
        }),
        ContractQuery.Of("can-read", [new("record", ArgKind.Text), new("reader", ArgKind.Account)], Audiences.Either(Audiences.Self("reader"), PatientOfRecord), (q, args) =>
            RecordAccess.CheckRead(q.State, args.GetText("record"), AccountId.Parse(args.GetText("reader")), q.Time)),
        ContractQuery.Of("booking-records", [new("booking", ArgKind.Text), .. QueryPaging.Args], BookingParty, (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, BookingRecordEntry.Of(args.GetText("booking")), args);
            return new BookingRecordList([.. page.Select(e => e.Value)], next);
        }),
    ];

    /// <summary>The booking's patient or practitioner (not their organisation's other staff), or oversight.</summary>
    private static bool BookingParty(QueryContext q, CborMap args, Asker asker) =>
        asker.Oversees || (asker.Account is { } account && q.State.Get(Services.Booking.Key(args.GetText("booking"))) is { } b
                           && (account == b.Patient || account == b.Practitioner));

    /// <summary>The record's patient, or a reader a grant covers now (who needs its versions to read it).</summary>
    private static bool PatientOrReaderOfRecord(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees) return true;
        if (asker.Account is not { } account || q.State.Get(MedicalRecord.Key(args.GetText("record"))) is not { } record) return false;
        return record.Patient == account || RecordAccess.CheckRead(q.State, record.Id, account, q.Time).Allowed;
    }

    /// <summary>The record's patient (who may ask about any reader of it), or oversight.</summary>
    private static bool PatientOfRecord(QueryContext q, CborMap args, Asker asker) =>
        asker.Oversees || (asker.Account is { } account && q.State.Get(MedicalRecord.Key(args.GetText("record")))?.Patient == account);

    /// <summary>
    /// A writer the patient's consent covers now (a treatment or second-opinion grant): whoever adds a version wraps its key
    /// for every grantee, so must know them. Readers for research or public health are not writers and see no one else's grants.
    /// </summary>
    private static bool Grantee(QueryContext q, CborMap args, Asker asker) =>
        asker.Account is { } account && RecordAccess.HoldsGrant(q.State, AccountId.Parse(args.GetText("patient")), account, q.Time,
            Purposes.Treatment, Purposes.SecondOpinion);
}

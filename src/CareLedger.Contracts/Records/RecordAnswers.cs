using System.Text.Json.Serialization;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>The answer to records.record (inside <c>Found</c>): the record's fields with its versions, oldest first; in JSON too, one flat object.</summary>
[JsonConverter(typeof(CborRecordJsonConverter<RecordDetail>))]
public sealed record RecordDetail(MedicalRecord Record, IReadOnlyList<RecordVersion> Versions) : ICborRecord<RecordDetail>
{
    public CborMap ToCbor()
    {
        var map = Record.ToCbor();
        map["versions"] = CborRecord.List(Versions);
        return map;
    }

    public static RecordDetail FromCbor(CborMap map) => CborFields.Read(map, static f =>
    {
        var versions = f.Records<RecordVersion>("versions");
        return new RecordDetail(MedicalRecord.FromCbor(f.Rest()), versions);
    });
}

/// <summary>The answer to records.patient-records: a page of the patient's records, in id order.</summary>
public sealed record RecordList(IReadOnlyList<MedicalRecord> Records, string Next) : ICborRecord<RecordList>, IQueryPage<MedicalRecord>
{
    IReadOnlyList<MedicalRecord> IQueryPage<MedicalRecord>.Items => Records;

    public CborMap ToCbor() => new() { ["records"] = CborRecord.List(Records), ["next"] = Next };

    public static RecordList FromCbor(CborMap map) => CborFields.Read(map, static f => new RecordList(f.Records<MedicalRecord>("records"), f.Text("next")));
}

/// <summary>The answer to records.grants: a page of the grants the patient gave, revoked and expired ones included, in id order.</summary>
public sealed record GrantList(IReadOnlyList<ConsentGrant> Grants, string Next) : ICborRecord<GrantList>, IQueryPage<ConsentGrant>
{
    IReadOnlyList<ConsentGrant> IQueryPage<ConsentGrant>.Items => Grants;

    public CborMap ToCbor() => new() { ["grants"] = CborRecord.List(Grants), ["next"] = Next };

    public static GrantList FromCbor(CborMap map) => CborFields.Read(map, static f => new GrantList(f.Records<ConsentGrant>("grants"), f.Text("next")));
}

/// <summary>The answer to records.access-log: a page of the patient's access log, oldest first.</summary>
public sealed record AccessLog(IReadOnlyList<LoggedAccess> Entries, string Next) : ICborRecord<AccessLog>, IQueryPage<LoggedAccess>
{
    IReadOnlyList<LoggedAccess> IQueryPage<LoggedAccess>.Items => Entries;

    public CborMap ToCbor() => new() { ["entries"] = CborRecord.List(Entries), ["next"] = Next };

    public static AccessLog FromCbor(CborMap map) => CborFields.Read(map, static f => new AccessLog(f.Records<LoggedAccess>("entries"), f.Text("next")));
}

/// <summary>
/// One entry of records.log-access: a read a node served or refused, with the reader's signed
/// request, which the contract verifies.
/// </summary>
public sealed record ReadReport(string Record, string Reader, string Purpose, string Outcome, string Reason, bool BreakGlass, ReadRequest Request)
    : ICborRecord<ReadReport>
{
    public CborMap ToCbor() => new()
    {
        ["record"] = Record, ["reader"] = Reader, ["purpose"] = Purpose, ["outcome"] = Outcome, ["reason"] = Reason, ["breakGlass"] = BreakGlass,
        ["request"] = Request.ToCbor(),
    };

    public static ReadReport FromCbor(CborMap map) => CborFields.Read(map, static f => new ReadReport(
        f.Text("record"), f.Text("reader"), f.Text("purpose"), f.Text("outcome"), f.Text("reason"), f.Bool("breakGlass"), f.Record<ReadRequest>("request")));
}

/// <summary>A reader's signed request (the <c>CareLedger-Signature</c> header's key, time and signature, with the method and path it covers).</summary>
public sealed record ReadRequest(
    [property: JsonPropertyName("key"), JsonConverter(typeof(CborBytesJsonConverter))] byte[] PublicKey, string Method, string Path, long Time,
    [property: JsonPropertyName("sig"), JsonConverter(typeof(CborBytesJsonConverter))] byte[] Signature) : ICborRecord<ReadRequest>
{
    public CborMap ToCbor() => new() { ["key"] = PublicKey, ["method"] = Method, ["path"] = Path, ["time"] = Time, ["sig"] = Signature };

    public static ReadRequest FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new ReadRequest(f.Bytes("key"), f.Text("method"), f.Text("path"), f.Int("time"), f.Bytes("sig")));
}

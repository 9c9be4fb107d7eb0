using CareLedger.Contracts.Records;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// Photos, documents and questionnaires a patient sends for a booking (ADR 0020). Each is an ordinary encrypted record of
/// the patient (FHIR Media, DocumentReference or QuestionnaireResponse); a grant of the patient scoped to those records
/// lets the booking's practitioner read them, and <c>attach</c> ties them to the booking, so that the practitioner finds
/// them and nobody else is given anything. The ledger holds record ids and types, never a name, a title or the content.
/// </summary>
public sealed partial class ServicesContract
{
    /// <summary>Enough photos, documents and a questionnaire for one consultation; a case needing more is a referral.</summary>
    public const int MaxAttachments = 20;

    /// <summary>The record types a booking may carry as attachments.</summary>
    public static readonly IReadOnlyList<string> AttachmentTypes = ["Media", "DocumentReference", "QuestionnaireResponse"];

    private static Outcome Attach(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Patient, out var booking, out var refusal)) return refusal;
        string[] open = [BookingStatus.Requested, BookingStatus.Accepted, BookingStatus.InProgress, BookingStatus.Ended];
        if (!open.Contains(booking.Status)) return WrongStatus(booking, "given attachments", open);
        var records = args.GetList("records");
        var held = ctx.State.Scan(BookingAttachment.Of(booking.Id)).Select(e => StateKeys.LastSegment(e.Key)).ToHashSet();
        if (records.Count == 0 || held.Count + records.Count > MaxAttachments)
            return Outcome.Fail($"a booking holds at most {MaxAttachments} attachments; it holds {held.Count}");
        var grantId = args.GetText("grant");
        if (ctx.State.Get(ConsentGrant.Key(ctx.Sender, grantId)) is not { } grant) return Outcome.Fail($"you gave no grant {grantId}");
        if (grant.Grantee != booking.Practitioner || grant.Purpose != Purposes.Treatment)
            return Outcome.Fail($"grant {grantId} must be a treatment grant to the booking's practitioner");
        if (grant.Revoked || grant.Expiry <= ctx.BlockTime) return Outcome.Fail($"grant {grantId} is no longer in force");
        var attached = new List<(string Id, string Type)>();
        foreach (var item in records)
        {
            if (item is not string id || ctx.State.Get(MedicalRecord.Key(id)) is not { } record) return Outcome.Fail($"no record {item}");
            if (record.Patient != ctx.Sender) return Outcome.Fail($"record {id} is not yours");
            if (record.Erased) return Outcome.Fail($"record {id} was erased");
            if (!AttachmentTypes.Contains(record.Type)) return Outcome.Fail($"an attachment is a {string.Join(", ", AttachmentTypes)} record; {id} is a {record.Type}");
            if (!grant.Records.Contains(id)) return Outcome.Fail($"grant {grantId} does not cover record {id}");
            if (held.Contains(id) || attached.Any(a => a.Id == id)) return Outcome.Fail($"record {id} is already attached to booking {booking.Id}");
            attached.Add((id, record.Type));
        }
        foreach (var (id, type) in attached) ctx.State.Put(BookingAttachment.Key(booking.Id, id), new BookingAttachment(id, type, grantId, ctx.BlockTime));
        ctx.Emit("Attached", new CborMap { ["booking"] = booking.Id, ["count"] = (long)attached.Count });
        return Outcome.Ok;
    }
}

/// <summary>A record attached to a booking, at services/attachment/{booking}/{record}: its FHIR type, the grant that lets the practitioner read it, and when.</summary>
public sealed record BookingAttachment(string Record, string Type, string Grant, long Added) : ICborRecord<BookingAttachment>
{
    public const string KeyPrefix = "services/attachment/";

    public static StatePrefix<BookingAttachment> Of(string booking) => new($"{KeyPrefix}{booking}/");

    public static StateKey<BookingAttachment> Key(string booking, string record) => new($"{KeyPrefix}{booking}/{record}");

    public CborMap ToCbor() => new() { ["record"] = Record, ["type"] = Type, ["grant"] = Grant, ["added"] = Added };

    public static BookingAttachment FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new BookingAttachment(f.Text("record"), f.Text("type"), f.Text("grant"), f.Int("added")));
}

/// <summary>The answer to services.attachments: a booking's attachments in record-id order.</summary>
public sealed record BookingAttachments(IReadOnlyList<BookingAttachment> Attachments) : ICborRecord<BookingAttachments>
{
    public CborMap ToCbor() => new() { ["attachments"] = CborRecord.List(Attachments) };

    public static BookingAttachments FromCbor(CborMap map) => CborFields.Read(map, static f => new BookingAttachments(f.Records<BookingAttachment>("attachments")));
}

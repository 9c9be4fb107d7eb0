using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>
/// Records that belong to a booking (ADR 0019): the chat between its patient and practitioner, one FHIR Communication per
/// message, and the transcript both consented to, a FHIR Bundle. The booking is the patient's consent to them: either party
/// may add one to the patient's records while the practitioner is caring for the patient, and the booking's practitioner
/// reads them with no grant. Nothing else: no other type, no other record, no other practitioner.
/// </summary>
public static class BookingRecords
{
    public const string MessageType = "Communication";
    public const string TranscriptType = "Bundle";

    public static readonly IReadOnlyList<string> Types = [MessageType, TranscriptType];

    /// <summary>May <paramref name="author"/> add a record of this type for the patient, as part of the booking?</summary>
    public static AccessDecision CheckWrite(ContractState state, string bookingId, AccountId patient, AccountId author, string type, long time)
    {
        var booking = state.Get(Booking.Key(bookingId));
        // An unknown booking and someone else's answer alike: probing ids tells nothing (ADR 0011).
        if (booking is null || (author != booking.Patient && author != booking.Practitioner)) return AccessDecision.Deny($"booking {bookingId} is not yours");
        if (patient != booking.Patient) return AccessDecision.Deny($"booking {bookingId} is not this patient's");
        if (!Types.Contains(type)) return AccessDecision.Deny($"a booking's records are {string.Join(" and ", Types)}; not {type}");
        if (!BookingStatus.IsCaring(booking.Status))
            return AccessDecision.Deny($"booking {bookingId} is {booking.Status}: messages are kept only while the consultation is accepted, held or completed");
        if (author == booking.Practitioner && LicensingContract.Check(state, author, time) is { IsOk: false } licence)
            return AccessDecision.Deny($"unlicensed practitioner: {licence.Error}");
        if (type == TranscriptType && Transcript.Refusal(state.Get(Transcript.Key(bookingId))) is { } notYet) return AccessDecision.Deny(notYet);
        return new(true, $"booking {bookingId}", author == patient ? "patient" : Purposes.Treatment, null);
    }

    /// <summary>The booking whose practitioner may read this record without a grant, if the record belongs to one.</summary>
    public static Booking? Of(ContractState state, string recordId) =>
        state.Get(RecordBooking.Key(recordId)) is { } link ? state.Get(Booking.Key(link.Booking)) : null;

    public static void Link(ContractState state, string recordId, string bookingId, string type, AccountId author, long time)
    {
        state.Put(RecordBooking.Key(recordId), new RecordBooking(bookingId));
        state.Put(BookingRecordEntry.Key(bookingId, recordId), new BookingRecordEntry(recordId, type, author, time));
    }
}

/// <summary>The booking a record belongs to, at records/booking-of/{record}.</summary>
public sealed record RecordBooking(string Booking) : ICborRecord<RecordBooking>
{
    public const string KeyPrefix = "records/booking-of/";

    public static StateKey<RecordBooking> Key(string recordId) => new(KeyPrefix + recordId);

    public CborMap ToCbor() => new() { ["booking"] = Booking };

    public static RecordBooking FromCbor(CborMap map) => CborFields.Read(map, static f => new RecordBooking(f.Text("booking")));
}

/// <summary>A record of a booking, at records/booking/{booking}/{record}: its type, author and time (the booking's index of its messages).</summary>
public sealed record BookingRecordEntry(string Record, string Type, AccountId Author, long Created) : ICborRecord<BookingRecordEntry>
{
    public const string KeyPrefix = "records/booking/";

    public static StatePrefix<BookingRecordEntry> Of(string bookingId) => new($"{KeyPrefix}{bookingId}/");

    public static StateKey<BookingRecordEntry> Key(string bookingId, string recordId) => new($"{KeyPrefix}{bookingId}/{recordId}");

    public CborMap ToCbor() => new() { ["record"] = Record, ["type"] = Type, ["author"] = Author.ToString(), ["created"] = Created };

    public static BookingRecordEntry FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new BookingRecordEntry(f.Text("record"), f.Text("type"), f.Account("author"), f.Int("created")));
}

/// <summary>A page of a booking's records, oldest key first (the client orders them by time).</summary>
public sealed record BookingRecordList(IReadOnlyList<BookingRecordEntry> Records, string Next) : ICborRecord<BookingRecordList>, IQueryPage<BookingRecordEntry>
{
    IReadOnlyList<BookingRecordEntry> IQueryPage<BookingRecordEntry>.Items => Records;

    public CborMap ToCbor() => new() { ["records"] = CborRecord.List(Records), ["next"] = Next };

    public static BookingRecordList FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new BookingRecordList(f.Records<BookingRecordEntry>("records"), f.Text("next")));
}

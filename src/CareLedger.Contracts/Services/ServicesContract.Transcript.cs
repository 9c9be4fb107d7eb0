using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// The chat's transcript, kept only with both parties' consent (ADR 0019): each party signs their own consent; once both
/// have, either may add the transcript (a FHIR Bundle of the booking's messages, encrypted in the patient's vault like any
/// record) and record it here, so that the ledger pins its hash with the consultation. Once, and never before both consent.
/// </summary>
public sealed partial class ServicesContract
{
    private static Outcome ConsentTranscript(ContractContext ctx, CborMap args)
    {
        if (!TryParty(ctx, args, out var booking, out var role, out var refusal)) return refusal;
        if (!BookingStatus.IsCaring(booking.Status))
            return WrongStatus(booking, "transcribed", BookingStatus.Accepted, BookingStatus.InProgress, BookingStatus.Ended, BookingStatus.Completed, BookingStatus.Released);
        var kept = ctx.State.Get(Transcript.Key(booking.Id)) ?? new Transcript(0, 0, "", "", 0);
        if (kept.ConsentOf(role) > 0) return Outcome.Fail($"you already consented to the transcript of booking {booking.Id}");
        ctx.State.Put(Transcript.Key(booking.Id), role == Roles.Patient ? kept with { Patient = ctx.BlockTime } : kept with { Practitioner = ctx.BlockTime });
        ctx.Emit("TranscriptConsented", new CborMap { ["booking"] = booking.Id, ["role"] = role });
        return Outcome.Ok;
    }

    private static Outcome RecordTranscript(ContractContext ctx, CborMap args)
    {
        if (!TryParty(ctx, args, out var booking, out _, out var refusal)) return refusal;
        var kept = ctx.State.Get(Transcript.Key(booking.Id));
        if (Transcript.Refusal(kept) is { } notYet) return Outcome.Fail(notYet);
        var recordId = args.GetText("record");
        if (ctx.State.Get(MedicalRecord.Key(recordId)) is not { } record || ctx.State.Get(RecordBooking.Key(recordId))?.Booking != booking.Id)
            return Outcome.Fail($"record {recordId} is not a record of booking {booking.Id}");
        if (record.Type != BookingRecords.TranscriptType) return Outcome.Fail($"a transcript is a {BookingRecords.TranscriptType} record; {recordId} is a {record.Type}");
        if (record.Erased) return Outcome.Fail($"record {recordId} was erased");
        var hash = ctx.State.Get(RecordVersion.Key(recordId, 1))!.ContentHash;
        ctx.State.Put(Transcript.Key(booking.Id), kept! with { Record = recordId, ContentHash = hash, Recorded = ctx.BlockTime });
        ctx.Emit("TranscriptRecorded", new CborMap { ["booking"] = booking.Id, ["record"] = recordId, ["contentHash"] = hash });
        return Outcome.Ok;
    }

    /// <summary>The booking named in the arguments and the sender's part in it (patient or practitioner); anyone else, and an unknown booking, alike.</summary>
    private static bool TryParty(ContractContext ctx, CborMap args, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Booking? booking, out string role, out Outcome refusal)
    {
        var id = args.GetText("booking");
        booking = ctx.State.Get(Booking.Key(id));
        role = booking is null ? "" : ctx.Sender == booking.Patient ? Roles.Patient : ctx.Sender == booking.Practitioner ? Roles.Practitioner : "";
        refusal = role.Length == 0 ? Outcome.Fail($"booking {id} is not yours") : Outcome.Ok;
        if (role.Length == 0) booking = null;
        return booking is not null;
    }
}

/// <summary>
/// A consultation's transcript, at services/transcript/{booking}: when each party consented (0: not yet), and once both
/// have and it is stored, the record that holds it and the SHA-256 of its ciphertext as the ledger committed to it.
/// </summary>
public sealed record Transcript(long Patient, long Practitioner, string Record, string ContentHash, long Recorded) : ICborRecord<Transcript>
{
    public const string KeyPrefix = "services/transcript/";

    public static StateKey<Transcript> Key(string booking) => new(KeyPrefix + booking);

    public long ConsentOf(string role) => role == Roles.Patient ? Patient : Practitioner;

    /// <summary>Why no transcript may be stored now (a party has not consented, or one is stored already); null when it may.</summary>
    public static string? Refusal(Transcript? t) =>
        t is null || (t.Patient == 0 && t.Practitioner == 0) ? "no transcript without both parties' consent: neither has consented yet"
        : t.Patient == 0 ? "no transcript without both parties' consent: the patient has not consented"
        : t.Practitioner == 0 ? "no transcript without both parties' consent: the practitioner has not consented"
        : t.Record.Length > 0 ? $"the transcript is already stored as record {t.Record}"
        : null;

    public CborMap ToCbor() => new() { ["patient"] = Patient, ["practitioner"] = Practitioner, ["record"] = Record, ["contentHash"] = ContentHash, ["recorded"] = Recorded };

    public static Transcript FromCbor(CborMap map) => CborFields.Read(map, static f => new Transcript(
        f.Int("patient"), f.Int("practitioner"), f.Text("record"), f.Text("contentHash"), f.Int("recorded")));
}

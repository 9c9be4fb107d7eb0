using System.Text.Json.Serialization;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>Why a read or write is allowed (the purpose, and the grant behind it) or refused; also the answer to records.can-read.</summary>
public sealed record AccessDecision(bool Allowed, string Reason, string? Purpose, [property: JsonPropertyName("grant")] string? GrantId) : ICborRecord<AccessDecision>
{
    public static AccessDecision Deny(string reason) => new(false, reason, null, null);

    public CborMap ToCbor()
    {
        var map = new CborMap { ["allowed"] = Allowed, ["reason"] = Reason };
        if (Purpose is not null) map["purpose"] = Purpose;
        if (GrantId is not null) map["grant"] = GrantId;
        return map;
    }

    public static AccessDecision FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new AccessDecision(f.Bool("allowed"), f.Text("reason"), f.OptionalText("purpose"), f.OptionalText("grant")));
}

/// <summary>
/// The consent rules, read from state as of a block time: who may read or add to a patient's
/// records. The node asks them before serving ciphertext; the contract asks them before writing.
/// </summary>
public static class RecordAccess
{
    public static AccessDecision CheckRead(ContractState state, string recordId, AccountId reader, long time)
    {
        if (state.Get(MedicalRecord.Key(recordId)) is not { } record) return AccessDecision.Deny($"no record {recordId}");
        if (record.Erased) return AccessDecision.Deny("the record was erased by the patient");
        if (reader == record.Patient) return new(true, "the patient's own record", "patient", null);
        if (CurrentStanding(state, reader, time) is { } refusal) return refusal;
        // A booking's messages and transcript: the booking is the patient's consent to its practitioner (ADR 0019).
        if (BookingRecords.Of(state, recordId) is { } booking && booking.Practitioner == reader) return new(true, $"booking {booking.Id}", Purposes.Treatment, null);
        return FindGrant(state, record.Patient, reader, time, g => Covers(g, recordId, record.Type),
            "no grant from the patient covers this record");
    }

    /// <summary>
    /// A grant speaks only for someone still in good standing: a current member, and for clinical
    /// staff a licence valid now. Removing a member or revoking a licence ends their reads at once,
    /// whatever grants they hold.
    /// </summary>
    private static AccessDecision? CurrentStanding(ContractState state, AccountId reader, long time)
    {
        if (Members.FindMember(state, reader) is not { } member) return AccessDecision.Deny("you are not (or no longer) a member of the consortium");
        if (member.Role is Roles.Practitioner or Roles.Pharmacist && LicensingContract.Check(state, reader, time) is { IsOk: false } licence)
            return AccessDecision.Deny($"a {member.Role} needs a valid licence to read records: {licence.Error}");
        return null;
    }

    /// <summary>May <paramref name="author"/> add or update a record of this type for the patient?</summary>
    public static AccessDecision CheckWrite(ContractState state, AccountId patient, AccountId author, string type, string? recordId, long time)
    {
        if (author == patient) return new(true, "the patient's own record", "patient", null);
        var member = Members.FindMember(state, author);
        if (member?.Role == Roles.Practitioner && LicensingContract.Check(state, author, time) is { IsOk: false } licence)
            return AccessDecision.Deny($"unlicensed practitioner: {licence.Error}");
        // A treatment grant covers the types or records it names; a second-opinion grant lets its
        // practitioner add one kind of record: their written opinion, as a DocumentReference. No other
        // purpose writes: research, public-health and app grants (ADR 0025) are read-only.
        var granted = FindGrant(state, patient, author, time,
            g => (g.Purpose == Purposes.Treatment && Covers(g, recordId, type))
                 || (g.Purpose == Purposes.SecondOpinion && recordId is null && type == OpinionType && member?.Role == Roles.Practitioner),
            "no treatment grant from the patient covers this record type");
        // A consultation held implies the right to write its summary: nothing else, and only while it can still complete.
        if (!granted.Allowed && recordId is null && type == SummaryType && member?.Role == Roles.Practitioner && HeldConsultation(state, patient, author) is { } booking)
            return new(true, $"booking {booking}", Purposes.Treatment, null);
        return granted;
    }

    /// <summary>The record type a consultation's summary is written as.</summary>
    public const string SummaryType = "Encounter";

    /// <summary>
    /// A booking of this patient with this practitioner whose consultation is being held (<see cref="IsBeingHeld"/>), or null.
    /// The care index answers "none" in one read; only then are the patient's bookings (fewer than a practitioner's) looked at.
    /// </summary>
    private static string? HeldConsultation(ContractState state, AccountId patient, AccountId practitioner)
    {
        if (!state.Contains(CareLink.Key(practitioner, patient))) return null;
        foreach (var (key, party) in state.Scan(BookingParty.Of(patient)))
        {
            if (party.Role != Roles.Patient) continue;
            var id = key[(key.LastIndexOf('/') + 1)..];
            if (state.Get(Booking.Key(id)) is { } b && b.Practitioner == practitioner && IsBeingHeld(b)) return id;
        }
        return null;
    }

    /// <summary>A video or on-site consultation from its start until completed; an asynchronous one once accepted, until answered.</summary>
    private static bool IsBeingHeld(Booking b) =>
        b.Status is BookingStatus.InProgress or BookingStatus.Ended || (b.Mode == ConsultationModes.Async && b.Status == BookingStatus.Accepted);

    /// <summary>The record type a second opinion is written as.</summary>
    public const string OpinionType = "DocumentReference";

    /// <summary>Break-glass: a practitioner licensed at this time may read in an emergency, openly logged.</summary>
    public static AccessDecision CheckBreakGlass(ContractState state, AccountId reader, long time)
    {
        var member = Members.FindMember(state, reader);
        if (member?.Role != Roles.Practitioner) return AccessDecision.Deny("only practitioners may use emergency access");
        var licence = LicensingContract.Check(state, reader, time);
        return licence.IsOk ? new(true, "emergency access by a licensed practitioner", Purposes.Emergency, null) : AccessDecision.Deny($"emergency access refused: {licence.Error}");
    }

    private static AccessDecision FindGrant(ContractState state, AccountId patient, AccountId reader, long time, Func<ConsentGrant, bool> covers, string noneReason)
    {
        var member = Members.FindMember(state, reader);
        string? nearMiss = null;
        foreach (var (_, grant) in state.Scan(ConsentGrant.Of(patient)))
        {
            var toReader = IsGrantee(grant, reader, member);
            if (!toReader || !covers(grant)) continue;
            // Judged as of the time asked about: a read signed before a revocation was still covered.
            if (grant.Revoked && grant.RevokedAt <= time) { nearMiss ??= $"grant {grant.Id} was revoked"; continue; }
            if (grant.Expiry <= time) { nearMiss ??= $"grant {grant.Id} expired"; continue; }
            return new(true, $"grant {grant.Id}", grant.Purpose, grant.Id);
        }
        return AccessDecision.Deny(nearMiss ?? noneReason);
    }

    /// <summary>
    /// Whether a grant names this reader: directly, or through their organisation — and then only
    /// for the organisation's clinical staff, never its other patients, admins or services.
    /// </summary>
    public static bool IsGrantee(ConsentGrant grant, AccountId reader, Member? member) =>
        grant.Grantee == reader
        || (member is not null && OrganisationGranteeRoles.Contains(member.Role) && grant.GranteeOrg == member.Organisation);

    /// <summary>Whether a grant of the patient for one of these purposes covers this reader now, and they are in good standing.</summary>
    public static bool HoldsGrant(ContractState state, AccountId patient, AccountId reader, long time, params string[] purposes)
    {
        if (CurrentStanding(state, reader, time) is not null) return false;
        var member = Members.FindMember(state, reader);
        return state.Scan(ConsentGrant.Of(patient)).Any(g => purposes.Contains(g.Value.Purpose) && IsGrantee(g.Value, reader, member)
            && !(g.Value.Revoked && g.Value.RevokedAt <= time) && g.Value.Expiry > time);
    }

    public static readonly IReadOnlyList<string> OrganisationGranteeRoles = [Roles.Practitioner, Roles.Pharmacist];

    private static bool Covers(ConsentGrant grant, string? recordId, string type) =>
        (recordId is not null && grant.Records.Contains(recordId)) || grant.Types.Contains(type);
}

/// <summary>Why someone may read a patient's records.</summary>
public static class Purposes
{
    public const string Treatment = "treatment";
    public const string SecondOpinion = "second-opinion";
    public const string Research = "research";
    public const string PublicHealth = "public-health";
    public const string Emergency = "emergency";

    /// <summary>
    /// A patient's grant to a SMART app's account (ADR 0025): read-only at the contract — <see cref="RecordAccess.CheckRead"/>
    /// honours it like any grant, <see cref="RecordAccess.CheckWrite"/> never does. No grant before it was added used it, so
    /// earlier blocks replay unchanged.
    /// </summary>
    public const string App = "app";

    public static readonly IReadOnlyList<string> Grantable = [Treatment, SecondOpinion, Research, PublicHealth, App];
}

using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>
/// The record index and the patient's consent. The ledger holds each record's id, patient,
/// FHIR resource type, versions with the hash of their ciphertext and of their wrapped keys,
/// and the author — never plaintext, never a key. Grants are transactions signed by the
/// patient, so no node can forge consent. Every read a node serves is logged here with the
/// reader's own signature over the request.
/// </summary>
public sealed partial class RecordsContract : IContract
{
    // For callers not yet converted to the records' own keys (MedicalRecord.Key, RecordVersion.Key, ...).
    public const string RecordPrefix = MedicalRecord.KeyPrefix;
    public const string VersionPrefix = RecordVersion.KeyPrefix;
    public const string GrantPrefix = ConsentGrant.KeyPrefix;
    public const string AccessPrefix = LoggedAccess.KeyPrefix;
    public const string KeyPrefix = PublishedKey.KeyPrefix;
    public const string PatientIndexPrefix = PatientRecordEntry.KeyPrefix;

    public static readonly IReadOnlyList<string> ResourceTypes =
        ["AllergyIntolerance", "Bundle", "Communication", "Condition", "DiagnosticReport", "DocumentReference", "Encounter", "Media", "MedicationRequest",
         "MedicationStatement", "Observation", "Patient", "QuestionnaireResponse"];

    public string Name => "records";

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("publish-key", [], "any member: publishes the sender's public key so others can wrap record keys for them", Members.AnyMember, PublishKey),
        new("add", [new("record", ArgKind.Text), new("patient", ArgKind.Account), new("type", ArgKind.Text), new("contentHash", ArgKind.Text), new("keysHash", ArgKind.Text),
             new("booking", ArgKind.Text, Optional: true)],
            "the patient, or a holder of the patient's treatment grant for the type (practitioners must be licensed); a booking's message or transcript, its patient or practitioner",
            Members.AnyMember, Add),
        new("update", [new("record", ArgKind.Text), new("contentHash", ArgKind.Text), new("keysHash", ArgKind.Text)],
            "the patient, or a holder of the patient's treatment grant for the record", Members.AnyMember, Update),
        new("grant",
            [new("grant", ArgKind.Text), new("grantee", ArgKind.Account, Optional: true), new("granteeOrg", ArgKind.Text, Optional: true),
             new("purpose", ArgKind.Text), new("records", ArgKind.List, Optional: true), new("types", ArgKind.List, Optional: true),
             new("expiry", ArgKind.Integer), new("keysHash", ArgKind.Text, Optional: true)],
            "the patient, for their own records", Members.AnyMember, Grant),
        new("revoke", [new("grant", ArgKind.Text)], "the patient who gave the grant", Members.AnyMember, Revoke),
        new("erase", [new("record", ArgKind.Text)], "the patient", Members.AnyMember, Erase),
        new("log-access", [new("entries", ArgKind.List)], "a node's service account", ServiceOnly, LogAccess),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
    }

    private static Outcome ServiceOnly(ContractContext ctx) =>
        Members.FindMember(ctx.State, ctx.Sender)?.Role == Roles.Service ? Outcome.Ok : Outcome.Fail("only a node's service account may log accesses");

    private static Outcome PublishKey(ContractContext ctx, CborMap args)
    {
        ctx.State.Put(PublishedKey.Key(ctx.Sender), new PublishedKey(ctx.SenderKey));
        ctx.Emit("KeyPublished", new CborMap { ["account"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    private static Outcome Add(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("record");
        var type = args.GetText("type");
        var patient = AccountId.Parse(args.GetText("patient"));
        if (CheckIds(id, args) is { } bad) return Outcome.Fail(bad);
        if (!ResourceTypes.Contains(type)) return Outcome.Fail($"a record cannot hold a {type}; allowed: {string.Join(", ", ResourceTypes)}");
        if (ctx.State.Contains(MedicalRecord.Key(id))) return Outcome.Fail($"record {id} already exists");
        if (Members.FindMember(ctx.State, patient)?.Role != Roles.Patient) return Outcome.Fail($"{patient} is not a registered patient");
        var booking = args.TryGetText("booking");
        if (booking is null && BookingRecords.Types.Contains(type)) return Outcome.Fail($"a {type} record belongs to a booking: name it");
        var allowed = booking is null
            ? RecordAccess.CheckWrite(ctx.State, patient, ctx.Sender, type, null, ctx.BlockTime)
            : BookingRecords.CheckWrite(ctx.State, booking, patient, ctx.Sender, type, ctx.BlockTime);
        if (!allowed.Allowed) return Outcome.Fail(allowed.Reason);

        if (booking is not null) BookingRecords.Link(ctx.State, id, booking, type, ctx.Sender, ctx.BlockTime);
        ctx.State.Put(MedicalRecord.Key(id), new MedicalRecord(id, patient, type, 1, ctx.Sender, ctx.BlockTime, ctx.BlockTime, Erased: false, ErasedAt: 0));
        PutVersion(ctx, id, 1, args);
        ctx.State.Put(PatientRecordEntry.Key(patient, id), new PatientRecordEntry(type));
        var added = new CborMap { ["record"] = id, ["patient"] = patient.ToString(), ["type"] = type, ["author"] = ctx.Sender.ToString() };
        if (booking is not null) added["booking"] = booking;
        ctx.Emit("RecordAdded", added);
        return Outcome.Ok;
    }

    private static Outcome Update(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("record");
        if (CheckIds(id, args) is { } bad) return Outcome.Fail(bad);
        if (ctx.State.Get(MedicalRecord.Key(id)) is not { } record) return Outcome.Fail($"no record {id}");
        if (record.Erased) return Outcome.Fail("the record was erased");
        // What was said stays as it was said (and a transcript as both consented to it): erase it, or write anew.
        if (ctx.State.Contains(RecordBooking.Key(id))) return Outcome.Fail($"record {id} is a booking's {record.Type}, kept as written: it cannot be updated");
        var allowed = RecordAccess.CheckWrite(ctx.State, record.Patient, ctx.Sender, record.Type, id, ctx.BlockTime);
        if (!allowed.Allowed) return Outcome.Fail(allowed.Reason);

        var version = checked(record.Version + 1);
        ctx.State.Put(MedicalRecord.Key(id), record with { Version = version, Updated = ctx.BlockTime });
        PutVersion(ctx, id, version, args);
        ctx.Emit("RecordUpdated", new CborMap { ["record"] = id, ["version"] = version, ["author"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    private static void PutVersion(ContractContext ctx, string id, long version, CborMap args)
    {
        ctx.State.Put(RecordVersion.Key(id, version),
            new RecordVersion(version, args.GetText("contentHash"), args.GetText("keysHash"), ctx.Sender, ctx.BlockTime, ctx.TxId.ToString(), version - 1));
    }

    private static Outcome Erase(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("record");
        if (ctx.State.Get(MedicalRecord.Key(id)) is not { } record) return Outcome.Fail($"no record {id}");
        if (record.Patient != ctx.Sender) return Outcome.Fail("only the patient may erase their record");
        if (record.Erased) return Outcome.Fail("the record is already erased");
        ctx.State.Put(MedicalRecord.Key(id), record with { Erased = true, ErasedAt = ctx.BlockTime });
        ctx.Emit("RecordErased", new CborMap { ["record"] = id, ["patient"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    internal static string? CheckIds(string id, CborMap args)
    {
        if (!IsRecordId(id)) return "a record id is 32 lowercase hex characters";
        foreach (var field in new[] { "contentHash", "keysHash" })
            if (args.TryGetText(field) is { } h && !IsLowerHash(h)) return $"{field} must be a SHA-256 in lowercase hex";
        return null;
    }

    internal static bool IsLowerHash(string h) => Hash256.TryParse(h, out var hash) && hash.ToString() == h;

    internal static bool IsRecordId(string id) => id.Length == 32 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}

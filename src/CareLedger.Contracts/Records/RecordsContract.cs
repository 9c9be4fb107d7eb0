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
    public const string RecordPrefix = "records/record/";
    public const string VersionPrefix = "records/version/";
    public const string GrantPrefix = "records/grant/";
    public const string AccessPrefix = "records/access/";
    public const string KeyPrefix = "records/key/";
    public const string PatientIndexPrefix = "records/patient/";

    public static readonly IReadOnlyList<string> ResourceTypes =
        ["AllergyIntolerance", "Condition", "DiagnosticReport", "DocumentReference", "Encounter", "MedicationRequest", "MedicationStatement", "Observation", "Patient"];

    public string Name => "records";

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("publish-key", [], "any member: publishes the sender's public key so others can wrap record keys for them", Members.AnyMember, PublishKey),
        new("add", [new("record", ArgKind.Text), new("patient", ArgKind.Account), new("type", ArgKind.Text), new("contentHash", ArgKind.Text), new("keysHash", ArgKind.Text)],
            "the patient, or a holder of the patient's treatment grant for the type (practitioners must be licensed)", Members.AnyMember, Add),
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
        ctx.State.Put(KeyPrefix + ctx.Sender, new CborMap { ["key"] = ctx.SenderKey });
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
        if (ctx.State.Get(RecordPrefix + id) is not null) return Outcome.Fail($"record {id} already exists");
        if (Members.FindMember(ctx.State, patient)?.Role != Roles.Patient) return Outcome.Fail($"{patient} is not a registered patient");
        var allowed = RecordAccess.CheckWrite(ctx.State, patient, ctx.Sender, type, null, ctx.BlockTime);
        if (!allowed.Allowed) return Outcome.Fail(allowed.Reason);

        ctx.State.Put(RecordPrefix + id, new CborMap
        {
            ["id"] = id, ["patient"] = patient.ToString(), ["type"] = type, ["version"] = 1L, ["author"] = ctx.Sender.ToString(),
            ["created"] = ctx.BlockTime, ["updated"] = ctx.BlockTime, ["erased"] = false,
        });
        PutVersion(ctx, id, 1, args);
        ctx.State.Put($"{PatientIndexPrefix}{patient}/{id}", new CborMap { ["type"] = type });
        ctx.Emit("RecordAdded", new CborMap { ["record"] = id, ["patient"] = patient.ToString(), ["type"] = type, ["author"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    private static Outcome Update(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("record");
        if (CheckIds(id, args) is { } bad) return Outcome.Fail(bad);
        if (ctx.State.Get(RecordPrefix + id) is not { } record) return Outcome.Fail($"no record {id}");
        if (record.GetBool("erased")) return Outcome.Fail("the record was erased");
        var patient = AccountId.Parse(record.GetText("patient"));
        var allowed = RecordAccess.CheckWrite(ctx.State, patient, ctx.Sender, record.GetText("type"), id, ctx.BlockTime);
        if (!allowed.Allowed) return Outcome.Fail(allowed.Reason);

        var version = checked(record.GetInt("version") + 1);
        record["version"] = version;
        record["updated"] = ctx.BlockTime;
        ctx.State.Put(RecordPrefix + id, record);
        PutVersion(ctx, id, version, args);
        ctx.Emit("RecordUpdated", new CborMap { ["record"] = id, ["version"] = version, ["author"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }

    private static void PutVersion(ContractContext ctx, string id, long version, CborMap args)
    {
        ctx.State.Put($"{VersionPrefix}{id}/{version:D6}", new CborMap
        {
            ["version"] = version, ["contentHash"] = args.GetText("contentHash"), ["keysHash"] = args.GetText("keysHash"),
            ["author"] = ctx.Sender.ToString(), ["time"] = ctx.BlockTime, ["tx"] = ctx.TxId.ToString(), ["previous"] = version - 1,
        });
    }

    private static Outcome Erase(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("record");
        if (ctx.State.Get(RecordPrefix + id) is not { } record) return Outcome.Fail($"no record {id}");
        if (record.GetText("patient") != ctx.Sender.ToString()) return Outcome.Fail("only the patient may erase their record");
        if (record.GetBool("erased")) return Outcome.Fail("the record is already erased");
        record["erased"] = true;
        record["erasedAt"] = ctx.BlockTime;
        ctx.State.Put(RecordPrefix + id, record);
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

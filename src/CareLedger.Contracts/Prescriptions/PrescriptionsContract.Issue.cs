using CareLedger.Contracts.Tokens;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>Issuing, cancelling and renewing: the prescriber's side.</summary>
public sealed partial class PrescriptionsContract
{
    public static readonly IReadOnlyList<string> AlertKinds = ["allergy", "interaction", "duplicate"];
    public static readonly IReadOnlyList<string> Severities = ["low", "moderate", "high"];

    private static Outcome Issue(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("prescription");
        if (!CallerIds.IsValid(id)) return Outcome.Fail("a prescription id is 1-64 lowercase letters, digits or hyphens");
        if (ctx.State.Get(RxPrefix + id) is not null) return Outcome.Fail($"prescription {id} already exists");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed prescriber: {licence.Error}");
        var patient = AccountId.Parse(args.GetText("patient"));
        if (Members.FindMember(ctx.State, patient)?.Role != Roles.Patient) return Outcome.Fail($"{patient} is not a registered patient");
        var care = CareRelationship.Check(ctx.State, ctx.Sender, patient, ctx.BlockTime);
        if (!care.IsOk) return care;
        var recordId = args.GetText("record");
        if (CheckRecord(ctx, recordId, patient) is { } badRecord) return Outcome.Fail(badRecord);
        if (CheckTerms(ctx, args) is { } badTerms) return Outcome.Fail(badTerms);
        if (CheckAlerts(args.GetList("alerts"), out var alerts) is { } badAlerts) return Outcome.Fail(badAlerts);

        var record = ctx.State.Get(RecordsContract.RecordPrefix + recordId)!;
        var version = record.GetInt("version");
        var contentHash = ctx.State.Get($"{RecordsContract.VersionPrefix}{recordId}/{version:D6}")!.GetText("contentHash");
        var quantity = args.GetInt("quantity");
        var rx = new CborMap
        {
            ["id"] = id, ["patient"] = patient.ToString(), ["prescriber"] = ctx.Sender.ToString(), ["issuedBy"] = ctx.Sender.ToString(),
            ["record"] = recordId, ["recordVersion"] = version, ["contentHash"] = contentHash, ["medication"] = args.GetText("medication"),
            ["quantity"] = quantity, ["fills"] = args.GetInt("fills"), ["fillsLeft"] = args.GetInt("fills"), ["remaining"] = quantity,
            ["dispensed"] = 0L, ["dispenses"] = 0L, ["dosesPerDay"] = args.GetInt("dosesPerDay"), ["expiry"] = args.GetInt("expiry"),
            ["alerts"] = alerts, ["issued"] = ctx.BlockTime, ["signedAt"] = ctx.BlockTime, ["status"] = "active", ["cancelled"] = 0L,
            ["reason"] = "", ["renewedFrom"] = "", ["pharmacy"] = "", ["codeHash"] = "", ["price"] = 0L, ["asset"] = "", ["programme"] = "",
            ["firstDay"] = -1L, ["taken"] = 0L, ["adherentDays"] = 0L, ["rewards"] = 0L,
        };
        Save(ctx.State, rx);
        ctx.State.Put($"{PatientIndexPrefix}{patient}/{id}", new CborMap { ["prescriber"] = ctx.Sender.ToString() });
        ctx.State.Put(RecordIndexPrefix + recordId, new CborMap { ["prescription"] = id });
        ctx.Emit("PrescriptionIssued", new CborMap
        {
            ["prescription"] = id, ["patient"] = patient.ToString(), ["prescriber"] = ctx.Sender.ToString(), ["medication"] = args.GetText("medication"),
            ["alerts"] = (long)alerts.Count,
        });
        return Outcome.Ok;
    }

    /// <summary>The prescription is a MedicationRequest the prescriber added for this patient; its content hash is pinned from now on.</summary>
    private static string? CheckRecord(ContractContext ctx, string recordId, AccountId patient)
    {
        if (ctx.State.Get(RecordsContract.RecordPrefix + recordId) is not { } record) return $"no record {recordId}";
        if (record.GetText("type") != "MedicationRequest") return $"a prescription is a MedicationRequest record; {recordId} is a {record.GetText("type")}";
        if (record.GetText("patient") != patient.ToString()) return $"record {recordId} is not this patient's";
        if (record.GetText("author") != ctx.Sender.ToString()) return $"record {recordId} was not added by you";
        if (record.GetBool("erased")) return $"record {recordId} was erased";
        if (ctx.State.Get(RecordIndexPrefix + recordId) is { } used) return $"record {recordId} already backs prescription {used.GetText("prescription")}";
        return null;
    }

    private static string? CheckTerms(ContractContext ctx, CborMap args)
    {
        var medication = args.GetText("medication");
        if (medication.Length > 64) return "medication is a code (RxNorm or ATC) of at most 64 characters, not a description";
        if (args.GetInt("quantity") is <= 0 or > 100_000) return "quantity must be between 1 and 100000 doses";
        if (args.GetInt("fills") is < 1 or > MaxFills) return $"fills must be between 1 and {MaxFills}";
        if (args.GetInt("dosesPerDay") is < 1 or > MaxDosesPerDay) return $"dosesPerDay must be between 1 and {MaxDosesPerDay}";
        var expiry = args.GetInt("expiry");
        if (expiry <= ctx.BlockTime) return "the prescription would already have expired";
        if (expiry - ctx.BlockTime > MaxValidityMs) return "a prescription is valid for at most 366 days";
        return null;
    }

    /// <summary>Every treatment-support alert must be well formed and acknowledged by the prescriber.</summary>
    private static string? CheckAlerts(IReadOnlyList<object> given, out List<object> alerts)
    {
        alerts = [];
        if (given.Count > MaxAlerts) return $"at most {MaxAlerts} alerts";
        for (var n = 0; n < given.Count; n++)
        {
            if (given[n] is not CborMap alert) return $"alert {n} is not a map";
            var kind = alert.TryGetText("kind");
            var severity = alert.TryGetText("severity");
            var code = alert.TryGetText("code");
            if (kind is null || !AlertKinds.Contains(kind)) return $"alert {n}: kind must be one of {string.Join(", ", AlertKinds)}";
            if (severity is null || !Severities.Contains(severity)) return $"alert {n}: severity must be one of {string.Join(", ", Severities)}";
            if (code is not { Length: > 0 and <= 128 }) return $"alert {n}: code must be 1-128 characters";
            if (!alert.TryGetValue("acknowledged", out var ack) || ack is not bool acknowledged) return $"alert {n}: acknowledged must be true or false";
            if (!acknowledged) return $"unacknowledged alert: the prescriber must acknowledge the {severity} {kind} alert {code} to go on";
            alerts.Add(new CborMap { ["kind"] = kind, ["severity"] = severity, ["code"] = code, ["acknowledged"] = true });
        }
        return null;
    }

    private static Outcome Cancel(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "prescriber", out var rx, out var refusal)) return refusal;
        if (rx.GetText("status") != "active") return Outcome.Fail($"prescription {rx.GetText("id")} is already {rx.GetText("status")}");
        ReleasePresentation(ctx.State, rx);
        rx["status"] = "cancelled";
        rx["cancelled"] = ctx.BlockTime;
        rx["reason"] = args.TryGetText("reason") ?? "";
        Save(ctx.State, rx);
        ctx.Emit("PrescriptionCancelled", new CborMap { ["prescription"] = rx.GetText("id"), ["patient"] = rx.GetText("patient") });
        return Outcome.Ok;
    }

    /// <summary>Another practitioner takes over a prescription whose prescriber lost their licence by revocation, endorsing its content as it stands.</summary>
    private static Outcome Renew(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("prescription");
        if (ctx.State.Get(RxPrefix + id) is not { } rx) return Outcome.Fail($"no prescription {id}");
        if (rx.GetText("status") != "active") return Outcome.Fail($"prescription {id} is {rx.GetText("status")}");
        if (rx.GetText("prescriber") == ctx.Sender.ToString()) return Outcome.Fail("you are already the prescriber");
        if (!PrescriberRevoked(ctx.State, rx, ctx.BlockTime)) return Outcome.Fail("only a prescription whose prescriber's licence was revoked can be renewed");
        if (rx.GetInt("expiry") <= ctx.BlockTime) return Outcome.Fail($"prescription {id} has expired");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed prescriber: {licence.Error}");
        var care = CareRelationship.Check(ctx.State, ctx.Sender, AccountId.Parse(rx.GetText("patient")), ctx.BlockTime);
        if (!care.IsOk) return care;
        if (args.GetText("contentHash") != rx.GetText("contentHash")) return Outcome.Fail("tampered prescription: the content you reviewed is not the prescription's");
        rx["renewedFrom"] = rx.GetText("prescriber");
        rx["prescriber"] = ctx.Sender.ToString();
        rx["signedAt"] = ctx.BlockTime;
        Save(ctx.State, rx);
        ctx.Emit("PrescriptionRenewed", new CborMap { ["prescription"] = id, ["prescriber"] = ctx.Sender.ToString(), ["renewedFrom"] = rx.GetText("renewedFrom") });
        return Outcome.Ok;
    }

    /// <summary>Whether the current prescriber's licence has been revoked by this time.</summary>
    internal static bool PrescriberRevoked(ContractState state, CborMap rx, long time) =>
        state.Get(LicensingContract.LicencePrefix + rx.GetText("prescriber")) is { } licence && licence.GetBool("revoked") && licence.GetInt("revokedAt") <= time;
}

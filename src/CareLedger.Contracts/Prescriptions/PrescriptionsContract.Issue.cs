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
        if (ctx.State.Contains(Prescription.Key(id))) return Outcome.Fail($"prescription {id} already exists");
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

        var version = ctx.State.Get(MedicalRecord.Key(recordId))!.Version;
        var contentHash = ctx.State.Get(RecordVersion.Key(recordId, version))!.ContentHash;
        var quantity = args.GetInt("quantity");
        var fills = args.GetInt("fills");
        Save(ctx.State, new Prescription(id, patient, ctx.Sender, ctx.Sender, recordId, version, contentHash, args.GetText("medication"),
            quantity, fills, FillsLeft: fills, Remaining: quantity, Dispensed: 0, Dispenses: 0, args.GetInt("dosesPerDay"), args.GetInt("expiry"), alerts,
            Issued: ctx.BlockTime, SignedAt: ctx.BlockTime, PrescriptionStatus.Active, Cancelled: 0, Reason: "", RenewedFrom: "",
            Pharmacy: "", CodeHash: "", Price: 0, Asset: "", Payer: "", Programme: "", FirstDay: -1, Taken: 0, AdherentDays: 0, Rewards: 0));
        ctx.State.Put(PatientPrescription.Key(patient, id), new PatientPrescription(ctx.Sender));
        ctx.State.Put(PrescriberPrescription.Key(ctx.Sender, id), new PrescriberPrescription(patient));
        ctx.State.Put(PrescribedRecord.Key(recordId), new PrescribedRecord(id));
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
        if (ctx.State.Get(MedicalRecord.Key(recordId)) is not { } record) return $"no record {recordId}";
        if (record.Type != "MedicationRequest") return $"a prescription is a MedicationRequest record; {recordId} is a {record.Type}";
        if (record.Patient != patient) return $"record {recordId} is not this patient's";
        if (record.Author != ctx.Sender) return $"record {recordId} was not added by you";
        if (record.Erased) return $"record {recordId} was erased";
        if (ctx.State.Get(PrescribedRecord.Key(recordId)) is { } used) return $"record {recordId} already backs prescription {used.Prescription}";
        return null;
    }

    private static string? CheckTerms(ContractContext ctx, CborMap args)
    {
        if (SealedCode.Refusal(args.GetText("medication"), "the medication") is { } clear) return clear;
        if (args.GetInt("quantity") is <= 0 or > 100_000) return "quantity must be between 1 and 100000 doses";
        if (args.GetInt("fills") is < 1 or > MaxFills) return $"fills must be between 1 and {MaxFills}";
        if (args.GetInt("dosesPerDay") is < 1 or > MaxDosesPerDay) return $"dosesPerDay must be between 1 and {MaxDosesPerDay}";
        var expiry = args.GetInt("expiry");
        if (expiry <= ctx.BlockTime) return "the prescription would already have expired";
        if (expiry - ctx.BlockTime > MaxValidityMs) return "a prescription is valid for at most 366 days";
        return null;
    }

    /// <summary>Every treatment-support alert must be well formed and acknowledged by the prescriber.</summary>
    private static string? CheckAlerts(IReadOnlyList<object> given, out List<Alert> alerts)
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
            if (code is null) return $"alert {n}: code is missing";
            if (SealedCode.Refusal(code, $"alert {n}'s code") is { } clear) return clear;
            if (!alert.TryGetValue("acknowledged", out var ack) || ack is not bool acknowledged) return $"alert {n}: acknowledged must be true or false";
            if (!acknowledged) return $"unacknowledged alert: the prescriber must acknowledge the {severity} {kind} alert {n} to go on";
            alerts.Add(new Alert(kind, severity, code, Acknowledged: true));
        }
        return null;
    }

    private static Outcome Cancel(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, r => r.Prescriber, out var rx, out var refusal)) return refusal;
        if (rx.Status != PrescriptionStatus.Active) return Outcome.Fail($"prescription {rx.Id} is already {rx.Status}");
        rx = ReleasePresentation(ctx.State, rx);
        Save(ctx.State, rx with { Status = PrescriptionStatus.Cancelled, Cancelled = ctx.BlockTime, Reason = args.TryGetText("reason") ?? "" });
        ctx.Emit("PrescriptionCancelled", new CborMap { ["prescription"] = rx.Id, ["patient"] = rx.Patient.ToString() });
        return Outcome.Ok;
    }

    /// <summary>Another practitioner takes over a prescription whose prescriber lost their licence by revocation, endorsing its content as it stands.</summary>
    private static Outcome Renew(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("prescription");
        if (ctx.State.Get(Prescription.Key(id)) is not { } rx) return Outcome.Fail($"no prescription {id}");
        if (rx.Status != PrescriptionStatus.Active) return Outcome.Fail($"prescription {id} is {rx.Status}");
        if (rx.Prescriber == ctx.Sender) return Outcome.Fail("you are already the prescriber");
        if (!PrescriberRevoked(ctx.State, rx, ctx.BlockTime)) return Outcome.Fail("only a prescription whose prescriber's licence was revoked can be renewed");
        if (rx.Expiry <= ctx.BlockTime) return Outcome.Fail($"prescription {id} has expired");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed prescriber: {licence.Error}");
        var care = CareRelationship.Check(ctx.State, ctx.Sender, rx.Patient, ctx.BlockTime);
        if (!care.IsOk) return care;
        if (args.GetText("contentHash") != rx.ContentHash) return Outcome.Fail("tampered prescription: the content you reviewed is not the prescription's");
        var renewedFrom = rx.Prescriber.ToString();
        Save(ctx.State, rx with { RenewedFrom = renewedFrom, Prescriber = ctx.Sender, SignedAt = ctx.BlockTime });
        ctx.State.Delete(PrescriberPrescription.Key(rx.Prescriber, id));
        ctx.State.Put(PrescriberPrescription.Key(ctx.Sender, id), new PrescriberPrescription(rx.Patient));
        ctx.Emit("PrescriptionRenewed", new CborMap { ["prescription"] = id, ["prescriber"] = ctx.Sender.ToString(), ["renewedFrom"] = renewedFrom });
        return Outcome.Ok;
    }

    /// <summary>Whether the current prescriber's licence has been revoked by this time.</summary>
    internal static bool PrescriberRevoked(ContractState state, Prescription rx, long time) =>
        state.Get(Licence.Key(rx.Prescriber)) is { } licence && licence.RevokedBy(time);
}

using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>Where a prescription stands.</summary>
public static class PrescriptionStatus
{
    public const string Active = "active";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// A prescription, at prescriptions/rx/{id}: the MedicationRequest record it pins (version and
/// content hash), the prescriber's terms and acknowledged alerts, the fills left; the current
/// presentation (pharmacy, code hash, price locked and who pays it: "" and 0 when there is none);
/// and adherence (the UTC day of the first dispense, -1 before it; doses taken; days adherent;
/// rewards paid by the programme joined). Times are Unix ms; <see cref="Cancelled"/> is 0 while active.
/// </summary>
public sealed record Prescription(
    string Id, AccountId Patient, AccountId Prescriber, AccountId IssuedBy, string Record, long RecordVersion, string ContentHash, string Medication,
    long Quantity, long Fills, long FillsLeft, long Remaining, long Dispensed, long Dispenses, long DosesPerDay, long Expiry, IReadOnlyList<Alert> Alerts,
    long Issued, long SignedAt, string Status, long Cancelled, string Reason, string RenewedFrom,
    string Pharmacy, string CodeHash, long Price, string Asset, string Payer,
    string Programme, long FirstDay, long Taken, long AdherentDays, long Rewards) : ICborRecord<Prescription>
{
    public const string KeyPrefix = "prescriptions/rx/";

    public static StatePrefix<Prescription> All { get; } = new(KeyPrefix);

    public static StateKey<Prescription> Key(string id) => new(KeyPrefix + id);

    /// <summary>The fill a dispense would serve now: the first one not yet fully dispensed (one past the last when none is left).</summary>
    [JsonIgnore]
    public long CurrentFill => Fills - FillsLeft + 1;

    /// <summary>The prescription with no presentation: nothing locked, no pharmacy, no code.</summary>
    public Prescription Unpresented() => this with { Pharmacy = "", CodeHash = "", Price = 0, Asset = "", Payer = "" };

    public CborMap ToCbor() => new()
    {
        ["id"] = Id, ["patient"] = Patient.ToString(), ["prescriber"] = Prescriber.ToString(), ["issuedBy"] = IssuedBy.ToString(), ["record"] = Record,
        ["recordVersion"] = RecordVersion, ["contentHash"] = ContentHash, ["medication"] = Medication, ["quantity"] = Quantity, ["fills"] = Fills,
        ["fillsLeft"] = FillsLeft, ["remaining"] = Remaining, ["dispensed"] = Dispensed, ["dispenses"] = Dispenses, ["dosesPerDay"] = DosesPerDay,
        ["expiry"] = Expiry, ["alerts"] = CborRecord.List(Alerts), ["issued"] = Issued, ["signedAt"] = SignedAt, ["status"] = Status,
        ["cancelled"] = Cancelled, ["reason"] = Reason, ["renewedFrom"] = RenewedFrom, ["pharmacy"] = Pharmacy, ["codeHash"] = CodeHash,
        ["price"] = Price, ["asset"] = Asset, ["payer"] = Payer, ["programme"] = Programme, ["firstDay"] = FirstDay, ["taken"] = Taken,
        ["adherentDays"] = AdherentDays, ["rewards"] = Rewards,
    };

    public static Prescription FromCbor(CborMap map) => CborFields.Read(map, static f => new Prescription(
        f.Text("id"), f.Account("patient"), f.Account("prescriber"), f.Account("issuedBy"), f.Text("record"), f.Int("recordVersion"),
        f.Text("contentHash"), f.Text("medication"), f.Int("quantity"), f.Int("fills"), f.Int("fillsLeft"), f.Int("remaining"), f.Int("dispensed"),
        f.Int("dispenses"), f.Int("dosesPerDay"), f.Int("expiry"), f.Records<Alert>("alerts"), f.Int("issued"), f.Int("signedAt"), f.Text("status"),
        f.Int("cancelled"), f.Text("reason"), f.Text("renewedFrom"), f.Text("pharmacy"), f.Text("codeHash"), f.Int("price"), f.Text("asset"),
        f.Text("payer"), f.Text("programme"), f.Int("firstDay"), f.Int("taken"), f.Int("adherentDays"), f.Int("rewards")));
}

/// <summary>A treatment-support alert the prescriber acknowledged when issuing.</summary>
public sealed record Alert(string Kind, string Severity, string Code, bool Acknowledged) : ICborRecord<Alert>
{
    public CborMap ToCbor() => new() { ["kind"] = Kind, ["severity"] = Severity, ["code"] = Code, ["acknowledged"] = Acknowledged };

    public static Alert FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new Alert(f.Text("kind"), f.Text("severity"), f.Text("code"), f.Bool("acknowledged")));
}

/// <summary>An entry of a patient's prescription index, at prescriptions/patient/{patient}/{prescription}.</summary>
public sealed record PatientPrescription(AccountId Prescriber) : ICborRecord<PatientPrescription>
{
    public const string KeyPrefix = "prescriptions/patient/";

    public static StatePrefix<PatientPrescription> Of(AccountId patient) => new($"{KeyPrefix}{patient}/");

    public static StateKey<PatientPrescription> Key(AccountId patient, string rxId) => new($"{KeyPrefix}{patient}/{rxId}");

    public CborMap ToCbor() => new() { ["prescriber"] = Prescriber.ToString() };

    public static PatientPrescription FromCbor(CborMap map) => CborFields.Read(map, static f => new PatientPrescription(f.Account("prescriber")));
}

/// <summary>
/// An entry of a prescriber's prescription index, at prescriptions/prescriber/{prescriber}/{prescription}: the prescriptions
/// they are the prescriber of now (a renewal moves the entry to the renewing practitioner), listed a page at a time.
/// </summary>
public sealed record PrescriberPrescription(AccountId Patient) : ICborRecord<PrescriberPrescription>
{
    public const string KeyPrefix = "prescriptions/prescriber/";

    public static StatePrefix<PrescriberPrescription> Of(AccountId prescriber) => new($"{KeyPrefix}{prescriber}/");

    public static StateKey<PrescriberPrescription> Key(AccountId prescriber, string rxId) => new($"{KeyPrefix}{prescriber}/{rxId}");

    public CborMap ToCbor() => new() { ["patient"] = Patient.ToString() };

    public static PrescriberPrescription FromCbor(CborMap map) => CborFields.Read(map, static f => new PrescriberPrescription(f.Account("patient")));
}

/// <summary>Marks a MedicationRequest record as backing a prescription, at prescriptions/record/{record}, so that it backs only one.</summary>
public sealed record PrescribedRecord(string Prescription) : ICborRecord<PrescribedRecord>
{
    public const string KeyPrefix = "prescriptions/record/";

    public static StateKey<PrescribedRecord> Key(string recordId) => new(KeyPrefix + recordId);

    public CborMap ToCbor() => new() { ["prescription"] = Prescription };

    public static PrescribedRecord FromCbor(CborMap map) => CborFields.Read(map, static f => new PrescribedRecord(f.Text("prescription")));
}

/// <summary>One dispense, at prescriptions/dispense/{prescription}/{n:D4}: which fill, how many doses, the charge, by whom, and the reward it paid.</summary>
public sealed record DispenseEntry(long Fill, long Quantity, long Charge, string Asset, string Pharmacy, AccountId Pharmacist, long Time, string Tx, long Reward)
    : ICborRecord<DispenseEntry>
{
    public const string KeyPrefix = "prescriptions/dispense/";

    public static StatePrefix<DispenseEntry> Of(string rxId) => new($"{KeyPrefix}{rxId}/");

    public static StateKey<DispenseEntry> Key(string rxId, long n) => new($"{KeyPrefix}{rxId}/{n:D4}");

    public CborMap ToCbor() => new()
    {
        ["fill"] = Fill, ["quantity"] = Quantity, ["charge"] = Charge, ["asset"] = Asset, ["pharmacy"] = Pharmacy, ["pharmacist"] = Pharmacist.ToString(),
        ["time"] = Time, ["tx"] = Tx, ["reward"] = Reward,
    };

    public static DispenseEntry FromCbor(CborMap map) => CborFields.Read(map, static f => new DispenseEntry(
        f.Int("fill"), f.Int("quantity"), f.Int("charge"), f.Text("asset"), f.Text("pharmacy"), f.Account("pharmacist"), f.Int("time"), f.Text("tx"),
        f.Int("reward")));
}

/// <summary>The doses of a prescription checked in on one UTC day, at prescriptions/dose/{prescription}/{day:D8}, and the time of the last.</summary>
public sealed record DoseDay(long Taken, long Last) : ICborRecord<DoseDay>
{
    public const string KeyPrefix = "prescriptions/dose/";

    public static StateKey<DoseDay> Key(string rxId, long day) => new($"{KeyPrefix}{rxId}/{day:D8}");

    public CborMap ToCbor() => new() { ["taken"] = Taken, ["last"] = Last };

    public static DoseDay FromCbor(CborMap map) => CborFields.Read(map, static f => new DoseDay(f.Int("taken"), f.Int("last")));
}

/// <summary>An insurer's or clinic's adherence programme, at prescriptions/programme/{id}: its rewards and what was paid into its pool.</summary>
public sealed record AdherenceProgramme(string Id, string Org, string Asset, long RewardPerDay, long RewardPerDispense, long Funded, long Updated)
    : ICborRecord<AdherenceProgramme>
{
    public const string KeyPrefix = "prescriptions/programme/";

    public static StateKey<AdherenceProgramme> Key(string id) => new(KeyPrefix + id);

    public CborMap ToCbor() => new()
    {
        ["id"] = Id, ["org"] = Org, ["asset"] = Asset, ["rewardPerDay"] = RewardPerDay, ["rewardPerDispense"] = RewardPerDispense, ["funded"] = Funded,
        ["updated"] = Updated,
    };

    public static AdherenceProgramme FromCbor(CborMap map) => CborFields.Read(map, static f => new AdherenceProgramme(
        f.Text("id"), f.Text("org"), f.Text("asset"), f.Int("rewardPerDay"), f.Int("rewardPerDispense"), f.Int("funded"), f.Int("updated")));
}

/// <summary>How much of a patient's prescriptions an insurer pays, at prescriptions/coverage/{patient}/{insurer}, and how much of it is used.</summary>
public sealed record PrescriptionCoverage(string Asset, long Limit, long Used) : ICborRecord<PrescriptionCoverage>
{
    public const string KeyPrefix = "prescriptions/coverage/";

    public static StateKey<PrescriptionCoverage> Key(AccountId patient, string insurer) => new($"{KeyPrefix}{patient}/{insurer}");

    public CborMap ToCbor() => new() { ["asset"] = Asset, ["limit"] = Limit, ["used"] = Used };

    public static PrescriptionCoverage FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new PrescriptionCoverage(f.Text("asset"), f.Int("limit"), f.Int("used")));
}

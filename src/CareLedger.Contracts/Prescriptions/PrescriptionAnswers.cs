using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// The answer to prescriptions.prescription (inside <c>Found</c>): the prescription's fields, its dispenses and the doses scheduled
/// so far; in JSON too, one flat object.
/// </summary>
[JsonConverter(typeof(CborRecordJsonConverter<PrescriptionDetail>))]
public sealed record PrescriptionDetail(Prescription Prescription, IReadOnlyList<DispenseEntry> DispenseLog, long Scheduled) : ICborRecord<PrescriptionDetail>
{
    public CborMap ToCbor()
    {
        var map = Prescription.ToCbor();
        map["dispenseLog"] = CborRecord.List(DispenseLog);
        map["scheduled"] = Scheduled;
        return map;
    }

    public static PrescriptionDetail FromCbor(CborMap map) => CborFields.Read(map, static f =>
    {
        var log = f.Records<DispenseEntry>("dispenseLog");
        var scheduled = f.Int("scheduled");
        return new PrescriptionDetail(Prescription.FromCbor(f.Rest()), log, scheduled);
    });
}

/// <summary>The answer to prescriptions.prescriptions: a page of the patient's prescriptions, in id order.</summary>
public sealed record PrescriptionList(IReadOnlyList<Prescription> Prescriptions, string Next) : ICborRecord<PrescriptionList>, IQueryPage<Prescription>
{
    IReadOnlyList<Prescription> IQueryPage<Prescription>.Items => Prescriptions;

    public CborMap ToCbor() => new() { ["prescriptions"] = CborRecord.List(Prescriptions), ["next"] = Next };

    public static PrescriptionList FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new PrescriptionList(f.Records<Prescription>("prescriptions"), f.Text("next")));
}

/// <summary>The answer to prescriptions.adherence: doses checked in against doses scheduled so far, as a whole percent, in total and per prescription.</summary>
public sealed record AdherenceReport(AccountId Patient, long Taken, long Scheduled, long Percent, long Rewards, IReadOnlyList<AdherenceLine> Prescriptions)
    : ICborRecord<AdherenceReport>
{
    public CborMap ToCbor() => new()
    {
        ["patient"] = Patient.ToString(), ["taken"] = Taken, ["scheduled"] = Scheduled, ["percent"] = Percent, ["rewards"] = Rewards,
        ["prescriptions"] = CborRecord.List(Prescriptions),
    };

    public static AdherenceReport FromCbor(CborMap map) => CborFields.Read(map, static f => new AdherenceReport(
        f.Account("patient"), f.Int("taken"), f.Int("scheduled"), f.Int("percent"), f.Int("rewards"), f.Records<AdherenceLine>("prescriptions")));
}

/// <summary>One prescription's adherence.</summary>
public sealed record AdherenceLine(
    string Prescription, string Medication, long DosesPerDay, long Taken, long Scheduled, long Percent, long AdherentDays, long Rewards, string Programme)
    : ICborRecord<AdherenceLine>
{
    public CborMap ToCbor() => new()
    {
        ["prescription"] = Prescription, ["medication"] = Medication, ["dosesPerDay"] = DosesPerDay, ["taken"] = Taken, ["scheduled"] = Scheduled,
        ["percent"] = Percent, ["adherentDays"] = AdherentDays, ["rewards"] = Rewards, ["programme"] = Programme,
    };

    public static AdherenceLine FromCbor(CborMap map) => CborFields.Read(map, static f => new AdherenceLine(
        f.Text("prescription"), f.Text("medication"), f.Int("dosesPerDay"), f.Int("taken"), f.Int("scheduled"), f.Int("percent"), f.Int("adherentDays"),
        f.Int("rewards"), f.Text("programme")));
}

/// <summary>The answer to prescriptions.programme (inside <c>Found</c>): the programme's fields and what its pool holds now; in JSON too, one flat object.</summary>
[JsonConverter(typeof(CborRecordJsonConverter<ProgrammeDetail>))]
public sealed record ProgrammeDetail(AdherenceProgramme Programme, long Pool) : ICborRecord<ProgrammeDetail>
{
    public CborMap ToCbor()
    {
        var map = Programme.ToCbor();
        map["pool"] = Pool;
        return map;
    }

    public static ProgrammeDetail FromCbor(CborMap map) => CborFields.Read(map, static f =>
    {
        var pool = f.Int("pool");
        return new ProgrammeDetail(AdherenceProgramme.FromCbor(f.Rest()), pool);
    });
}

using System.Collections.Immutable;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>A practitioner's referral of a patient to a laboratory or clinic, at services/referral/{id}; <see cref="Booking"/> is "" until it is used.</summary>
public sealed record Referral(string Id, AccountId From, AccountId Patient, string Org, string Examination, long Expiry, long Created, string Booking)
    : ICborRecord<Referral>
{
    public const string KeyPrefix = "services/referral/";

    public static StatePrefix<Referral> All { get; } = new(KeyPrefix);

    public static StateKey<Referral> Key(string id) => new(KeyPrefix + id);

    public CborMap ToCbor() => new()
    {
        ["id"] = Id, ["from"] = From.ToString(), ["patient"] = Patient.ToString(), ["org"] = Org, ["examination"] = Examination, ["expiry"] = Expiry,
        ["created"] = Created, ["booking"] = Booking,
    };

    public static Referral FromCbor(CborMap map) => CborFields.Read(map, static f => new Referral(
        f.Text("id"), f.Account("from"), f.Account("patient"), f.Text("org"), f.Text("examination"), f.Int("expiry"), f.Int("created"), f.Text("booking")));
}

/// <summary>How much of a patient's consultations an insurer pays, at services/coverage/{patient}/{insurer}, and how much of it is used.</summary>
public sealed record Coverage(AccountId Patient, string Insurer, string Asset, long Limit, long Used, long Updated) : ICborRecord<Coverage>
{
    public const string KeyPrefix = "services/coverage/";

    public static StatePrefix<Coverage> All { get; } = new(KeyPrefix);

    public static StatePrefix<Coverage> Of(AccountId patient) => new($"{KeyPrefix}{patient}/");

    public static StateKey<Coverage> Key(AccountId patient, string insurer) => new($"{KeyPrefix}{patient}/{insurer}");

    public CborMap ToCbor() => new()
    {
        ["patient"] = Patient.ToString(), ["insurer"] = Insurer, ["asset"] = Asset, ["limit"] = Limit, ["used"] = Used, ["updated"] = Updated,
    };

    public static Coverage FromCbor(CborMap map) => CborFields.Read(map, static f => new Coverage(
        f.Account("patient"), f.Text("insurer"), f.Text("asset"), f.Int("limit"), f.Int("used"), f.Int("updated")));
}

/// <summary>Where a second-opinion case stands: open until every opinion is in or the deadline passes.</summary>
public static class CaseStatus
{
    public const string Open = "open";
    public const string Closed = "closed";
}

/// <summary>
/// A second-opinion case, at services/case/{id}: the records put before the practitioners, the fee
/// each is paid, the opinions given so far (by practitioner account), and its deadline.
/// </summary>
public sealed record OpinionCase(
    string Id, AccountId Patient, IReadOnlyList<string> Records, IReadOnlyList<string> Practitioners, long Fee, string Asset,
    ImmutableSortedDictionary<string, Opinion> Opinions, string Status, long Created, long Closed, long Refunded, string Deadline, long Due) : ICborRecord<OpinionCase>
{
    public const string KeyPrefix = "services/case/";

    public static StatePrefix<OpinionCase> All { get; } = new(KeyPrefix);

    public static StateKey<OpinionCase> Key(string id) => new(KeyPrefix + id);

    public CborMap ToCbor() => new()
    {
        ["id"] = Id, ["patient"] = Patient.ToString(), ["records"] = Records, ["practitioners"] = Practitioners, ["fee"] = Fee, ["asset"] = Asset,
        ["opinions"] = CborRecord.Map(Opinions), ["status"] = Status, ["created"] = Created, ["closed"] = Closed, ["refunded"] = Refunded,
        ["deadline"] = Deadline, ["due"] = Due,
    };

    public static OpinionCase FromCbor(CborMap map) => CborFields.Read(map, static f => new OpinionCase(
        f.Text("id"), f.Account("patient"), f.Texts("records"), f.Texts("practitioners"), f.Int("fee"), f.Text("asset"), f.Entries<Opinion>("opinions"),
        f.Text("status"), f.Int("created"), f.Int("closed"), f.Int("refunded"), f.Text("deadline"), f.Int("due")));
}

/// <summary>A practitioner's opinion on a case: the hash of the opinion kept in the vault, when it came, what it paid and the operator's fee on it.</summary>
public sealed record Opinion(string ContentHash, long Time, long Paid, long Fee) : ICborRecord<Opinion>
{
    public CborMap ToCbor() => new() { ["contentHash"] = ContentHash, ["time"] = Time, ["paid"] = Paid, ["fee"] = Fee };

    public static Opinion FromCbor(CborMap map) => CborFields.Read(map, static f => new Opinion(f.Text("contentHash"), f.Int("time"), f.Int("paid"), f.Int("fee")));
}

/// <summary>Marks an Encounter record as the summary of a booking, at services/summary/{record}, so that it completes only one.</summary>
public sealed record ConsultationSummary(string Booking) : ICborRecord<ConsultationSummary>
{
    public const string KeyPrefix = "services/summary/";

    public static StateKey<ConsultationSummary> Key(string recordId) => new(KeyPrefix + recordId);

    public CborMap ToCbor() => new() { ["booking"] = Booking };

    public static ConsultationSummary FromCbor(CborMap map) => CborFields.Read(map, static f => new ConsultationSummary(f.Text("booking")));
}

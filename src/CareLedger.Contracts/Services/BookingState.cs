using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// A booking, at services/booking/{id}: the slot, the price and who pays it, where it stands
/// (<see cref="BookingStatus"/>) and its live deadline, the time of each step (0 until it happens),
/// how its escrow was settled, and the dispute if one was opened.
/// </summary>
public sealed record Booking(
    string Id, AccountId Patient, AccountId Practitioner, string Org, long Start, long End, string Mode, string Symptoms, long Price, string Asset,
    string Insurer, string Referral, string Status, string Reason, string Deadline, long Due, long Created, long Updated, long Accepted, long Started,
    long Ended, long Completed, long Closed, string Summary, long Refunded, long Paid, long Fee, long Rating, Dispute? Dispute) : ICborRecord<Booking>
{
    public const string KeyPrefix = "services/booking/";

    public static StatePrefix<Booking> All { get; } = new(KeyPrefix);

    public static StateKey<Booking> Key(string id) => new(KeyPrefix + id);

    /// <summary>The booking as its paying insurer sees it: money and progress, not why the patient came, what was found or what was disputed.</summary>
    public Booking ForPayer() => this with { Symptoms = "", Summary = "", Referral = "", Reason = "", Dispute = null };

    public CborMap ToCbor()
    {
        var map = new CborMap
        {
            ["id"] = Id, ["patient"] = Patient.ToString(), ["practitioner"] = Practitioner.ToString(), ["org"] = Org, ["start"] = Start, ["end"] = End,
            ["mode"] = Mode, ["symptoms"] = Symptoms, ["price"] = Price, ["asset"] = Asset, ["insurer"] = Insurer, ["referral"] = Referral,
            ["status"] = Status, ["reason"] = Reason, ["deadline"] = Deadline, ["due"] = Due, ["created"] = Created, ["updated"] = Updated,
            ["accepted"] = Accepted, ["started"] = Started, ["ended"] = Ended, ["completed"] = Completed, ["closed"] = Closed, ["summary"] = Summary,
            ["refunded"] = Refunded, ["paid"] = Paid, ["fee"] = Fee, ["rating"] = Rating,
        };
        if (Dispute is not null) map["dispute"] = Dispute.ToCbor();
        return map;
    }

    public static Booking FromCbor(CborMap map) => CborFields.Read(map, static f => new Booking(
        f.Text("id"), f.Account("patient"), f.Account("practitioner"), f.Text("org"), f.Int("start"), f.Int("end"), f.Text("mode"), f.Text("symptoms"),
        f.Int("price"), f.Text("asset"), f.Text("insurer"), f.Text("referral"), f.Text("status"), f.Text("reason"), f.Text("deadline"), f.Int("due"),
        f.Int("created"), f.Int("updated"), f.Int("accepted"), f.Int("started"), f.Int("ended"), f.Int("completed"), f.Int("closed"), f.Text("summary"),
        f.Int("refunded"), f.Int("paid"), f.Int("fee"), f.Int("rating"), f.OptionalRecord<Dispute>("dispute")));
}

/// <summary>
/// A dispute on a booking: who opened it, why, when, from which status; the other party's answer, if they gave one; then
/// the arbitrator's decision.
/// </summary>
public sealed record Dispute(AccountId By, string Reason, long Opened, string From, string? Decision = null, long? Decided = null, AccountId? Arbitrator = null,
    string? Answer = null, long? Answered = null) : ICborRecord<Dispute>
{
    public CborMap ToCbor()
    {
        var map = new CborMap { ["by"] = By.ToString(), ["reason"] = Reason, ["opened"] = Opened, ["from"] = From };
        if (Decision is not null) map["decision"] = Decision;
        if (Decided is { } decided) map["decided"] = decided;
        if (Arbitrator is { } arbitrator) map["arbitrator"] = arbitrator.ToString();
        if (Answer is not null) map["answer"] = Answer;
        if (Answered is { } answered) map["answered"] = answered;
        return map;
    }

    public static Dispute FromCbor(CborMap map) => CborFields.Read(map, static f => new Dispute(
        f.Account("by"), f.Text("reason"), f.Int("opened"), f.Text("from"), f.OptionalText("decision"), f.OptionalInt("decided"), f.OptionalAccount("arbitrator"),
        f.OptionalText("answer"), f.OptionalInt("answered")));
}

/// <summary>A party to a booking (its patient or practitioner), at services/party/{account}/{booking}: each account's index of its bookings.</summary>
public sealed record BookingParty(string Role) : ICborRecord<BookingParty>
{
    public const string KeyPrefix = "services/party/";

    public static StatePrefix<BookingParty> Of(AccountId account) => new($"{KeyPrefix}{account}/");

    public static StateKey<BookingParty> Key(AccountId account, string bookingId) => new($"{KeyPrefix}{account}/{bookingId}");

    public CborMap ToCbor() => new() { ["role"] = Role };

    public static BookingParty FromCbor(CborMap map) => CborFields.Read(map, static f => new BookingParty(f.Text("role")));
}

/// <summary>
/// How many of a patient's bookings with a practitioner are in a caring status (<see cref="BookingStatus.IsCaring"/>),
/// at services/care/{practitioner}/{patient}; no entry when none is. The care-relationship check reads this one key.
/// </summary>
public sealed record CareLink(long Bookings) : ICborRecord<CareLink>
{
    public const string KeyPrefix = "services/care/";

    public static StateKey<CareLink> Key(AccountId practitioner, AccountId patient) => new($"{KeyPrefix}{practitioner}/{patient}");

    public CborMap ToCbor() => new() { ["bookings"] = Bookings };

    public static CareLink FromCbor(CborMap map) => CborFields.Read(map, static f => new CareLink(f.Int("bookings")));
}

/// <summary>A practitioner's open (requested or accepted) bookings, at services/open/{practitioner}; no entry when there are none.</summary>
public sealed record OpenBookings(IReadOnlyList<string> Bookings) : ICborRecord<OpenBookings>
{
    public const string KeyPrefix = "services/open/";

    public static StatePrefix<OpenBookings> All { get; } = new(KeyPrefix);

    public static StateKey<OpenBookings> Key(AccountId practitioner) => new(KeyPrefix + practitioner);

    /// <summary>The practitioner whose open bookings a key under <see cref="All"/> holds.</summary>
    public static AccountId PractitionerOf(string key) => AccountId.Parse(key[KeyPrefix.Length..]);

    public CborMap ToCbor() => new() { ["bookings"] = Bookings };

    public static OpenBookings FromCbor(CborMap map) => CborFields.Read(map, static f => new OpenBookings(f.Texts("bookings")));
}

/// <summary>
/// How far the licence sweep has read the licences' lapse moments (<see cref="Licensing.LicenceLapse"/>), at
/// services/licence-sweep: the block time of the last sweep that found a lapse, written only then. The next block reads the moments from that time on.
/// </summary>
public sealed record LicenceSweep(long Time) : ICborRecord<LicenceSweep>
{
    public static StateKey<LicenceSweep> Key { get; } = new("services/licence-sweep");

    public CborMap ToCbor() => new() { ["time"] = Time };

    public static LicenceSweep FromCbor(CborMap map) => CborFields.Read(map, static f => new LicenceSweep(f.Int("time")));
}

/// <summary>
/// A deadline, at services/deadline/{due:D15}/{kind}/{id} so that a scan meets them in time order:
/// what falls due (<see cref="Deadlines"/>) for which booking or case. The booking or case keeps the key.
/// </summary>
public sealed record Deadline(string Kind, string Id, long Due) : ICborRecord<Deadline>
{
    public const string KeyPrefix = "services/deadline/";

    public static StatePrefix<Deadline> All { get; } = new(KeyPrefix);

    public static StateKey<Deadline> Key(long due, string kind, string id) => new($"{KeyPrefix}{due:D15}/{kind}/{id}");

    /// <summary>The key a booking or case keeps of its live deadline ("" for none).</summary>
    public static StateKey<Deadline> Kept(string key) => new(key);

    public CborMap ToCbor() => new() { ["kind"] = Kind, ["id"] = Id, ["due"] = Due };

    public static Deadline FromCbor(CborMap map) => CborFields.Read(map, static f => new Deadline(f.Text("kind"), f.Text("id"), f.Int("due")));
}

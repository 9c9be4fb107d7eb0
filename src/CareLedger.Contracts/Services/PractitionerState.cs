using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// What a practitioner offers, at services/profile/{practitioner}: their organisation and name,
/// the specialty their licence held when they published, languages, consultation modes and price, and — when they offer
/// asynchronous consultations — the hours within which they answer one (null otherwise, and then not encoded, so older profiles encode as before).
/// </summary>
public sealed record PractitionerProfile(
    AccountId Practitioner, string Org, string Name, string Specialty, IReadOnlyList<string> Languages, IReadOnlyList<string> Modes, long Price,
    string Asset, bool ReferralOnly, long Updated, long? ResponseHours = null) : ICborRecord<PractitionerProfile>
{
    public const string KeyPrefix = "services/profile/";

    public static StatePrefix<PractitionerProfile> All { get; } = new(KeyPrefix);

    public static StateKey<PractitionerProfile> Key(AccountId practitioner) => new(KeyPrefix + practitioner);

    public CborMap ToCbor()
    {
        var map = new CborMap
        {
            ["practitioner"] = Practitioner.ToString(), ["org"] = Org, ["name"] = Name, ["specialty"] = Specialty, ["languages"] = Languages,
            ["modes"] = Modes, ["price"] = Price, ["asset"] = Asset, ["referralOnly"] = ReferralOnly, ["updated"] = Updated,
        };
        if (ResponseHours is { } hours) map["responseHours"] = hours;
        return map;
    }

    public static PractitionerProfile FromCbor(CborMap map) => CborFields.Read(map, static f => new PractitionerProfile(
        f.Account("practitioner"), f.Text("org"), f.Text("name"), f.Text("specialty"), f.Texts("languages"), f.Texts("modes"), f.Int("price"),
        f.Text("asset"), f.Bool("referralOnly"), f.Int("updated"), f.OptionalInt("responseHours")));
}

/// <summary>A slot a practitioner offers, at services/slot/{practitioner}/{start:D15}; <see cref="Booking"/> is "" while it is free.</summary>
public sealed record Slot(long Start, long End, string Booking) : ICborRecord<Slot>
{
    public const string KeyPrefix = "services/slot/";

    [JsonIgnore]
    public bool Free => Booking.Length == 0;

    /// <summary>What is shown publicly: whether the slot is taken, not by which booking (a booking id would lead to a patient).</summary>
    public const string Taken = "taken";

    public Slot Public() => Free ? this : this with { Booking = Taken };

    public static StatePrefix<Slot> Of(AccountId practitioner) => new($"{KeyPrefix}{practitioner}/");

    public static StateKey<Slot> Key(AccountId practitioner, long start) => new($"{KeyPrefix}{practitioner}/{start:D15}");

    public CborMap ToCbor() => new() { ["start"] = Start, ["end"] = End, ["booking"] = Booking };

    public static Slot FromCbor(CborMap map) => CborFields.Read(map, static f => new Slot(f.Int("start"), f.Int("end"), f.Text("booking")));
}

/// <summary>A practitioner's ratings as a sum and a count, at services/rating/{practitioner}; the average is shown in tenths of a star, rounded half up.</summary>
public sealed record Rating(long Sum, long Count) : ICborRecord<Rating>
{
    public const string KeyPrefix = "services/rating/";

    public static Rating None { get; } = new(0, 0);

    [JsonIgnore]
    public long AverageTenths => Count == 0 ? 0 : checked(Sum * 20 + Count) / (2 * Count);

    public static StateKey<Rating> Key(AccountId practitioner) => new(KeyPrefix + practitioner);

    public CborMap ToCbor() => new() { ["sum"] = Sum, ["count"] = Count };

    public static Rating FromCbor(CborMap map) => CborFields.Read(map, static f => new Rating(f.Int("sum"), f.Int("count")));
}

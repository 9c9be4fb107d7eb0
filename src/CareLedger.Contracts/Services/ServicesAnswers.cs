using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// A practitioner as services.search and services.profile show them: the profile with the specialty
/// their licence holds now, their rating in tenths of a star, whether they are licensed now (and if
/// not, why) and, for a search, the free slots that match.
/// </summary>
public sealed record PractitionerListing(
    AccountId Practitioner, string Name, string Org, string Specialty, IReadOnlyList<string> Languages, IReadOnlyList<string> Modes, long Price,
    string Asset, bool ReferralOnly, long RatingTenths, long Ratings, bool Licensed, string? LicenceProblem, IReadOnlyList<Slot> FreeSlots,
    long? ResponseHours = null)
    : ICborRecord<PractitionerListing>
{
    public CborMap ToCbor()
    {
        var map = new CborMap
        {
            ["practitioner"] = Practitioner.ToString(), ["name"] = Name, ["org"] = Org, ["specialty"] = Specialty, ["languages"] = Languages,
            ["modes"] = Modes, ["price"] = Price, ["asset"] = Asset, ["referralOnly"] = ReferralOnly, ["ratingTenths"] = RatingTenths,
            ["ratings"] = Ratings, ["licensed"] = Licensed, ["freeSlots"] = CborRecord.List(FreeSlots),
        };
        if (LicenceProblem is not null) map["licenceProblem"] = LicenceProblem;
        if (ResponseHours is { } hours) map["responseHours"] = hours;
        return map;
    }

    public static PractitionerListing FromCbor(CborMap map) => CborFields.Read(map, static f => new PractitionerListing(
        f.Account("practitioner"), f.Text("name"), f.Text("org"), f.Text("specialty"), f.Texts("languages"), f.Texts("modes"), f.Int("price"),
        f.Text("asset"), f.Bool("referralOnly"), f.Int("ratingTenths"), f.Int("ratings"), f.Bool("licensed"), f.OptionalText("licenceProblem"),
        f.Records<Slot>("freeSlots"), f.OptionalInt("responseHours")));
}

/// <summary>The answer to services.search: matching practitioners, best rated first, then cheapest.</summary>
public sealed record SearchResults(IReadOnlyList<PractitionerListing> Practitioners) : ICborRecord<SearchResults>
{
    public CborMap ToCbor() => new() { ["practitioners"] = CborRecord.List(Practitioners) };

    public static SearchResults FromCbor(CborMap map) => CborFields.Read(map, static f => new SearchResults(f.Records<PractitionerListing>("practitioners")));
}

/// <summary>The answer to services.slots: every slot of the practitioner, booked or not, in time order.</summary>
public sealed record SlotList(IReadOnlyList<Slot> Slots) : ICborRecord<SlotList>
{
    public CborMap ToCbor() => new() { ["slots"] = CborRecord.List(Slots) };

    public static SlotList FromCbor(CborMap map) => CborFields.Read(map, static f => new SlotList(f.Records<Slot>("slots")));
}

/// <summary>The answer to services.bookings: a page of the account's bookings as patient or practitioner, in id order.</summary>
public sealed record BookingList(IReadOnlyList<Booking> Bookings, string Next) : ICborRecord<BookingList>, IQueryPage<Booking>
{
    IReadOnlyList<Booking> IQueryPage<Booking>.Items => Bookings;

    public CborMap ToCbor() => new() { ["bookings"] = CborRecord.List(Bookings), ["next"] = Next };

    public static BookingList FromCbor(CborMap map) => CborFields.Read(map, static f => new BookingList(f.Records<Booking>("bookings"), f.Text("next")));
}

/// <summary>The answer to services.coverage: each insurer's coverage of the patient, in insurer order.</summary>
public sealed record CoverageList(IReadOnlyList<Coverage> Coverage) : ICborRecord<CoverageList>
{
    public CborMap ToCbor() => new() { ["coverage"] = CborRecord.List(Coverage) };

    public static CoverageList FromCbor(CborMap map) => CborFields.Read(map, static f => new CoverageList(f.Records<Coverage>("coverage")));
}

/// <summary>The answer to services.referrals: the referrals an account wrote or received, in id order.</summary>
public sealed record ReferralList(IReadOnlyList<Referral> Referrals) : ICborRecord<ReferralList>
{
    public CborMap ToCbor() => new() { ["referrals"] = CborRecord.List(Referrals) };

    public static ReferralList FromCbor(CborMap map) => CborFields.Read(map, static f => new ReferralList(f.Records<Referral>("referrals")));
}

/// <summary>The answer to services.cases: the second-opinion cases an account opened or was asked to answer, in id order.</summary>
public sealed record CaseList(IReadOnlyList<OpinionCase> Cases) : ICborRecord<CaseList>
{
    public CborMap ToCbor() => new() { ["cases"] = CborRecord.List(Cases) };

    public static CaseList FromCbor(CborMap map) => CborFields.Read(map, static f => new CaseList(f.Records<OpinionCase>("cases")));
}

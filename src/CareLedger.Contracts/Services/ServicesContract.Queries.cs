using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>Read-only questions: the terms, search, profiles, slots, bookings, referrals, cases, coverage and treasuries.</summary>
public sealed partial class ServicesContract
{
    public const int MaxSlotsShown = 20;

    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        new("terms", [], (q, _) => ServicesTerms.Read(q.State).ToMap()),
        new("search",
            [new("specialty", ArgKind.Text, Optional: true), new("language", ArgKind.Text, Optional: true), new("mode", ArgKind.Text, Optional: true),
             new("asset", ArgKind.Text, Optional: true), new("maxPrice", ArgKind.Integer, Optional: true), new("minRating", ArgKind.Integer, Optional: true),
             new("from", ArgKind.Integer, Optional: true), new("to", ArgKind.Integer, Optional: true)],
            Search),
        new("profile", [new("practitioner", ArgKind.Account)], (q, args) =>
            q.State.Get(ProfilePrefix + args.GetText("practitioner")) is { } profile ? Listing(q, profile, []) : NotFound()),
        new("slots", [new("practitioner", ArgKind.Account)], (q, args) => new CborMap
        {
            ["slots"] = q.State.Scan($"{SlotPrefix}{args.GetText("practitioner")}/").Select(e => (object)e.Value).ToList(),
        }),
        new("booking", [new("booking", ArgKind.Text)], (q, args) => Found(q.State.Get(BookingPrefix + args.GetText("booking")))),
        new("bookings", [new("account", ArgKind.Account)], (q, args) => new CborMap
        {
            ["bookings"] = q.State.Scan($"{PartyPrefix}{args.GetText("account")}/")
                .Select(e => (object)q.State.Get(BookingPrefix + e.Key.Split('/')[^1])!).ToList(),
        }),
        new("referral", [new("referral", ArgKind.Text)], (q, args) => Found(q.State.Get(ReferralPrefix + args.GetText("referral")))),
        new("case", [new("case", ArgKind.Text)], (q, args) => Found(q.State.Get(CasePrefix + args.GetText("case")))),
        new("coverage", [new("patient", ArgKind.Account)], (q, args) => new CborMap
        {
            ["coverage"] = q.State.Scan($"{CoveragePrefix}{args.GetText("patient")}/").Select(e => (object)e.Value).ToList(),
        }),
        new("treasury", [new("org", ArgKind.Text), new("asset", ArgKind.Text)], (q, args) => new CborMap
        {
            ["org"] = args.GetText("org"), ["asset"] = args.GetText("asset"),
            ["amount"] = TokenEscrow.Held(q.State, TreasuryOf(args.GetText("org"), args.GetText("asset"))),
        }),
    ];

    /// <summary>
    /// Practitioners licensed now who match every criterion given (minRating in tenths of a star; a
    /// from/to window asks for a free slot in it), best rated first, then cheapest.
    /// </summary>
    private static CborMap Search(QueryContext q, CborMap args)
    {
        var windowAsked = args.ContainsKey("from") || args.ContainsKey("to");
        var from = Math.Max(args.TryGetInt("from") ?? 0, q.Time + 1);
        var to = args.TryGetInt("to") ?? long.MaxValue;
        var found = new List<(CborMap Listing, long Tenths, long Price, string Account)>();
        foreach (var (_, profile) in q.State.Scan(ProfilePrefix))
        {
            var account = profile.GetText("practitioner");
            if (!LicensingContract.Check(q.State, AccountId.Parse(account), q.Time).IsOk) continue;
            if (!Matches(q, args, profile)) continue;
            var rating = RatingOf(q.State, account);
            if (args.TryGetInt("minRating") is { } min && rating.AverageTenths < min) continue;
            var free = q.State.Scan($"{SlotPrefix}{account}/")
                .Where(s => s.Value.GetText("booking").Length == 0 && s.Value.GetInt("start") >= from && s.Value.GetInt("start") <= to)
                .Take(MaxSlotsShown).Select(s => (object)s.Value).ToList();
            if (windowAsked && free.Count == 0) continue;
            found.Add((Listing(q, profile, free), rating.AverageTenths, profile.GetInt("price"), account));
        }
        return new CborMap
        {
            ["practitioners"] = found.OrderByDescending(f => f.Tenths).ThenBy(f => f.Price).ThenBy(f => f.Account, StringComparer.Ordinal)
                .Select(f => (object)f.Listing).ToList(),
        };
    }

    private static bool Matches(QueryContext q, CborMap args, CborMap profile) =>
        (args.TryGetText("specialty") is not { } specialty || CurrentSpecialty(q.State, profile) == specialty)
        && (args.TryGetText("language") is not { } language || profile.GetList("languages").Contains(language))
        && (args.TryGetText("mode") is not { } mode || profile.GetList("modes").Contains(mode))
        && (args.TryGetText("asset") is not { } asset || profile.GetText("asset") == asset)
        && (args.TryGetInt("maxPrice") is not { } maxPrice || profile.GetInt("price") <= maxPrice);

    /// <summary>The specialty comes from the licence as it stands, not as it stood when the profile was published.</summary>
    private static string CurrentSpecialty(ContractState state, CborMap profile) =>
        state.Get(LicensingContract.LicencePrefix + profile.GetText("practitioner"))?.GetText("specialty") ?? "";

    private static CborMap Listing(QueryContext q, CborMap profile, List<object> freeSlots)
    {
        var account = profile.GetText("practitioner");
        var rating = RatingOf(q.State, account);
        var licence = LicensingContract.Check(q.State, AccountId.Parse(account), q.Time);
        var listing = new CborMap
        {
            ["found"] = true, ["practitioner"] = account, ["name"] = profile.GetText("name"), ["org"] = profile.GetText("org"),
            ["specialty"] = CurrentSpecialty(q.State, profile), ["languages"] = profile.GetList("languages"), ["modes"] = profile.GetList("modes"),
            ["price"] = profile.GetInt("price"), ["asset"] = profile.GetText("asset"), ["referralOnly"] = profile.GetBool("referralOnly"),
            ["ratingTenths"] = rating.AverageTenths, ["ratings"] = rating.Count, ["licensed"] = licence.IsOk, ["freeSlots"] = freeSlots,
        };
        if (!licence.IsOk) listing["licenceProblem"] = licence.Error!;
        return listing;
    }

    private static CborMap Found(CborMap? entry)
    {
        if (entry is null) return NotFound();
        entry["found"] = true;
        return entry;
    }

    private static CborMap NotFound() => new() { ["found"] = false };
}

using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>Read-only questions: the terms, search, profiles, slots, bookings, referrals, cases (one, or an account's), coverage and treasuries.</summary>
public sealed partial class ServicesContract
{
    public const int MaxSlotsShown = 20;

    /// <summary>
    /// At most this many referrals or cases in one answer. They are found by scanning every referral (or case) and keeping the
    /// asker's: fine while referrals and cases number in the thousands; an index by party (as bookings have) is the next step.
    /// </summary>
    public const int MaxListed = 200;

    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("terms", [], Audiences.Public, (q, _) => ServicesTerms.Read(q.State)),
        ContractQuery.Of("search",
            [new("specialty", ArgKind.Text, Optional: true), new("language", ArgKind.Text, Optional: true), new("mode", ArgKind.Text, Optional: true),
             new("asset", ArgKind.Text, Optional: true), new("maxPrice", ArgKind.Integer, Optional: true), new("minRating", ArgKind.Integer, Optional: true),
             new("from", ArgKind.Integer, Optional: true), new("to", ArgKind.Integer, Optional: true)],
            Audiences.Public, Search),
        ContractQuery.Of("profile", [new("practitioner", ArgKind.Account)], Audiences.Public, (q, args) =>
            Found.Of(q.State.Get(PractitionerProfile.Key(AccountId.Parse(args.GetText("practitioner")))) is { } profile ? Listing(q, profile, []) : null)),
        ContractQuery.Of("slots", [new("practitioner", ArgKind.Account)], Audiences.Public, (q, args) =>
            new SlotList([.. q.State.Scan(Slot.Of(AccountId.Parse(args.GetText("practitioner")))).Select(e => e.Value.Public())])),
        ContractQuery.Of("booking", [new("booking", ArgKind.Text)], PartyToBooking, (q, args) => Found.Of(q.State.Get(Booking.Key(args.GetText("booking"))))),
        ContractQuery.Of("attendance", [new("booking", ArgKind.Text)], PartyToBooking,
            (q, args) => q.State.Get(Attendance.Key(args.GetText("booking"))) ?? new Attendance([])),
        ContractQuery.Of("guests", [new("booking", ArgKind.Text)], PartyOrGuest,
            (q, args) => q.State.Get(Guests.Key(args.GetText("booking"))) ?? new Guests([])),
        ContractQuery.Of("transcript", [new("booking", ArgKind.Text)], PartyToBooking, (q, args) => Found.Of(q.State.Get(Transcript.Key(args.GetText("booking"))))),
        ContractQuery.Of("attachments", [new("booking", ArgKind.Text)], PartyToBooking, (q, args) =>
            new BookingAttachments([.. q.State.Scan(BookingAttachment.Of(args.GetText("booking"))).Take(MaxAttachments).Select(e => e.Value)])),
        ContractQuery.Of("bookings", [new("account", ArgKind.Account), .. QueryPaging.Args], Audiences.Self("account"), (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, BookingParty.Of(AccountId.Parse(args.GetText("account"))), args);
            return new BookingList([.. page.Select(e => q.State.Get(Booking.Key(StateKeys.LastSegment(e.Key)))!)], next);
        }),
        ContractQuery.Of("referral", [new("referral", ArgKind.Text)], PartyToReferral, (q, args) => Found.Of(q.State.Get(Referral.Key(args.GetText("referral"))))),
        ContractQuery.Of("case", [new("case", ArgKind.Text)], PartyToCase, (q, args) => Found.Of(q.State.Get(OpinionCase.Key(args.GetText("case"))))),
        ContractQuery.Of("referrals", [new("account", ArgKind.Account)], Audiences.Self("account"), (q, args) =>
        {
            var account = AccountId.Parse(args.GetText("account"));
            return new ReferralList([.. q.State.Scan(Referral.All).Select(e => e.Value).Where(r => r.Patient == account || r.From == account).Take(MaxListed)]);
        }),
        ContractQuery.Of("cases", [new("account", ArgKind.Account)], Audiences.Self("account"), (q, args) =>
        {
            var account = AccountId.Parse(args.GetText("account"));
            var text = account.ToString();
            return new CaseList([.. q.State.Scan(OpinionCase.All).Select(e => e.Value).Where(c => c.Patient == account || c.Practitioners.Contains(text)).Take(MaxListed)]);
        }),
        ContractQuery.Of("coverage", [new("patient", ArgKind.Account)], Audiences.Self("patient"), (q, args) =>
            new CoverageList([.. q.State.Scan(Coverage.Of(AccountId.Parse(args.GetText("patient")))).Select(e => e.Value)])),
        ContractQuery.Of("treasury", [new("org", ArgKind.Text), new("asset", ArgKind.Text)], Audiences.StaffOf("org"), (q, args) => new OrganisationFunds(
            args.GetText("org"), args.GetText("asset"), TokenEscrow.Held(q.State, TreasuryOf(args.GetText("org"), args.GetText("asset"))))),
        ContractQuery.Of("insured", [new("org", ArgKind.Text)], Audiences.StaffOf("org"), Insured),
        ContractQuery.Of("disputes", [], ArbitratorOrOversight, Disputes),
    ];

    /// <summary>
    /// The booking's patient and practitioner, the practitioners of the organisation it is booked with (who may stand in),
    /// or oversight. An insurer sees its money on /v1/bookings; admins and researchers see no one's symptoms.
    /// </summary>
    public static bool PartyToBooking(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees) return true;
        if (asker.Account is not { } account || q.State.Get(Booking.Key(args.GetText("booking"))) is not { } booking) return false;
        return account == booking.Patient || account == booking.Practitioner || (asker.Organisation == booking.Org && asker.Role == Roles.Practitioner);
    }

    /// <summary>A party to the booking, or someone invited to its room (who learns who else is invited, by account and part only).</summary>
    private static bool PartyOrGuest(QueryContext q, CborMap args, Asker asker) =>
        PartyToBooking(q, args, asker)
        || (asker.Account is { } account && q.State.Get(Guests.Key(args.GetText("booking")))?.Find(account) is not null);

    private static bool PartyToReferral(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees) return true;
        if (asker.Account is not { } account || q.State.Get(Referral.Key(args.GetText("referral"))) is not { } referral) return false;
        return account == referral.From || account == referral.Patient || (asker.Organisation == referral.Org && asker.Role == Roles.Practitioner);
    }

    private static bool PartyToCase(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees) return true;
        if (asker.Account is not { } account || q.State.Get(OpinionCase.Key(args.GetText("case"))) is not { } opinionCase) return false;
        return account == opinionCase.Patient || opinionCase.Practitioners.Contains(account.ToString());
    }

    /// <summary>
    /// Practitioners licensed now who match every criterion given (minRating in tenths of a star; a
    /// from/to window asks for a free slot in it), best rated first, then cheapest.
    /// </summary>
    private static SearchResults Search(QueryContext q, CborMap args)
    {
        var windowAsked = args.ContainsKey("from") || args.ContainsKey("to");
        var from = Math.Max(args.TryGetInt("from") ?? 0, q.Time + 1);
        var to = args.TryGetInt("to") ?? long.MaxValue;
        var found = new List<(PractitionerListing Listing, long Tenths, long Price, string Account)>();
        foreach (var (_, profile) in q.State.Scan(PractitionerProfile.All))
        {
            var account = profile.Practitioner;
            if (!LicensingContract.Check(q.State, account, q.Time).IsOk) continue;
            if (!Matches(q, args, profile)) continue;
            var rating = RatingOf(q.State, account);
            if (args.TryGetInt("minRating") is { } min && rating.AverageTenths < min) continue;
            var free = q.State.Scan(Slot.Of(account)).Select(s => s.Value)
                .Where(s => s.Free && s.Start >= from && s.Start <= to).Take(MaxSlotsShown).ToList();
            if (windowAsked && free.Count == 0) continue;
            found.Add((Listing(q, profile, free), rating.AverageTenths, profile.Price, account.ToString()));
        }
        return new SearchResults([.. found.OrderByDescending(f => f.Tenths).ThenBy(f => f.Price).ThenBy(f => f.Account, StringComparer.Ordinal).Select(f => f.Listing)]);
    }

    private static bool Matches(QueryContext q, CborMap args, PractitionerProfile profile) =>
        (args.TryGetText("specialty") is not { } specialty || CurrentSpecialty(q.State, profile) == specialty)
        && (args.TryGetText("language") is not { } language || profile.Languages.Contains(language))
        && (args.TryGetText("mode") is not { } mode || profile.Modes.Contains(mode))
        && (args.TryGetText("asset") is not { } asset || profile.Asset == asset)
        && (args.TryGetInt("maxPrice") is not { } maxPrice || profile.Price <= maxPrice);

    /// <summary>The specialty comes from the licence as it stands, not as it stood when the profile was published.</summary>
    private static string CurrentSpecialty(ContractState state, PractitionerProfile profile) =>
        state.Get(Licence.Key(profile.Practitioner))?.Specialty ?? "";

    private static PractitionerListing Listing(QueryContext q, PractitionerProfile profile, IReadOnlyList<Slot> freeSlots)
    {
        var rating = RatingOf(q.State, profile.Practitioner);
        var licence = LicensingContract.Check(q.State, profile.Practitioner, q.Time);
        return new PractitionerListing(profile.Practitioner, profile.Name, profile.Org, CurrentSpecialty(q.State, profile), profile.Languages, profile.Modes,
            profile.Price, profile.Asset, profile.ReferralOnly, rating.AverageTenths, rating.Count, licence.IsOk, licence.Error, freeSlots, profile.ResponseHours);
    }
}

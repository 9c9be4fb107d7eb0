using System.Globalization;
using CareLedger.Contracts;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Api;
using CareLedger.Node.Chain;
using System.Security.Claims;
using CareLedger.Contracts.Membership;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Services;

/// <summary>
/// Read endpoints over the services contract's queries, for the portal and third parties: practitioner
/// search, profiles with slots, bookings and the terms. Each serves the contract's answer records as they are
/// (their JSON is their CBOR form, field for field). Writes are signed transactions (POST /v1/transactions).
/// </summary>
public static class ServicesApi
{
    public static void MapServicesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Services").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/practitioners", Search).AllowAnonymous()
            .WithSummary("Practitioners licensed now who match every criterion, best rated first, then cheapest")
            .WithDescription("All optional: specialty, language, mode (video or on-site), asset, maxPrice, minRating (stars, 0 to 5), " +
                             "from and to (Unix ms or ISO 8601): only practitioners with a free slot starting in that window.");
        group.MapGet("/practitioners/{account}", Practitioner).AllowAnonymous()
            .WithSummary("A practitioner's profile and rating, with every slot they published (taken or free, not by whom)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/bookings/{id}", ShowBooking).RequireAuthorization(Policies.Signed)
            .WithSummary("A booking: status, slot, price, and how its escrow was settled; for its parties and overseers (its insurer sees the money, not the clinical content)")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/bookings", Bookings).RequireAuthorization(Policies.Signed)
            .WithSummary("The signed caller's bookings, as patient (?patient=) or practitioner (?practitioner=), optionally of one ?status=, " +
                         "in booking id order a page (limit, after) at a time with a Link rel=next header")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/services/terms", Terms).AllowAnonymous().WithSummary("The platform's terms: fee, operator, arbitrator, cancellation and acknowledgement periods");
    }

    private static Results<Ok<IReadOnlyList<PractitionerListing>>, ProblemHttpResult> Search(LedgerReader ledger, string? specialty, string? language, string? mode, string? asset, long? maxPrice,
        string? minRating, string? from, string? to)
    {
        var args = new CborMap();
        if (!string.IsNullOrEmpty(specialty)) args["specialty"] = specialty;
        if (!string.IsNullOrEmpty(language)) args["language"] = language;
        if (!string.IsNullOrEmpty(asset)) args["asset"] = asset;
        if (!string.IsNullOrEmpty(mode))
        {
            if (!ConsultationModes.All.Contains(mode)) return Problems.Bad("Bad mode", $"mode is one of {string.Join(", ", ConsultationModes.All)}, not '{mode}'.");
            args["mode"] = mode;
        }
        if (maxPrice is { } price)
        {
            if (price < 0) return Problems.Bad("Bad price", "maxPrice must not be negative.");
            args["maxPrice"] = price;
        }
        if (!string.IsNullOrEmpty(minRating))
        {
            if (!decimal.TryParse(minRating, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var stars) || stars > 5)
                return Problems.Bad("Bad rating", $"minRating is a number of stars from 0 to 5, such as 4.5, not '{minRating}'.");
            args["minRating"] = (long)Math.Round(stars * 10, MidpointRounding.AwayFromZero);
        }
        var window = (From: ParseTime(from), To: ParseTime(to));
        if (window.From is { Ok: false } || window.To is { Ok: false })
            return Problems.Bad("Bad time", "from and to are Unix milliseconds or ISO 8601 times, such as 2026-05-01T09:00Z.");
        if (window.From?.Value > window.To?.Value) return Problems.Bad("Bad window", "from must not come after to.");
        if (window.From is { } f) args["from"] = f.Value;
        if (window.To is { } t) args["to"] = t.Value;

        return TypedResults.Ok(ledger.Ask<SearchResults>(ServicesContract.ContractName, "search", args).Practitioners);
    }

    private static Results<Ok<PractitionerPage>, ProblemHttpResult> Practitioner(string account, LedgerReader ledger)
    {
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", "An account id is 64 hex characters.");
        var args = new CborMap { ["practitioner"] = id.ToString() };
        if (ledger.Ask<Found<PractitionerListing>>(ServicesContract.ContractName, "profile", args).Value is not { } profile)
            return Problems.NotFound("Unknown practitioner", $"{account} has published no profile.");
        return TypedResults.Ok(new PractitionerPage(profile, ledger.Ask<SlotList>(ServicesContract.ContractName, "slots", args).Slots));
    }

    private static Results<Ok<Booking>, ProblemHttpResult> ShowBooking(string id, LedgerReader ledger, ClaimsPrincipal user)
    {
        if (!CallerIds.IsValid(id)) return Problems.Bad("Bad booking id", "A booking id is 1-64 lowercase letters, digits or hyphens.");
        var args = new CborMap { ["booking"] = id };
        // A booking the caller may not see answers as one that does not exist: ids are chosen by clients, and probing them must tell nothing.
        var unknown = Problems.NotFound("Unknown booking", $"No booking {id} that you may see: a booking is shown to its patient, its practitioner, their organisation, its insurer and the consortium's auditors.");
        if (ledger.Ask<Found<Booking>>(ServicesContract.ContractName, "booking", args).Value is not { } booking) return unknown;
        if (ledger.MayAsk(user.Asker(), ServicesContract.ContractName, "booking", args)) return TypedResults.Ok(booking);
        // The insurer paying for it sees its money and progress, not why the patient came or what was found.
        if (booking.Insurer.Length > 0 && user.Asker() is { Organisation: { } org, Role: not Roles.Patient } && org == booking.Insurer)
            return TypedResults.Ok(booking.ForPayer());
        return unknown;
    }

    /// <summary>
    /// A page of the account's booking index (default and at most 1,000 entries) after the booking <paramref name="after"/>, those in
    /// the role asked and of the status asked; a <c>Link: &lt;…&gt;; rel="next"</c> header addresses the next page.
    /// </summary>
    private static Results<Ok<List<Booking>>, ProblemHttpResult> Bookings(LedgerReader ledger, ClaimsPrincipal user, HttpResponse response, string? patient,
        string? practitioner, string? status, string? limit, string? after)
    {
        if (string.IsNullOrEmpty(patient) == string.IsNullOrEmpty(practitioner))
            return Problems.Bad("Whose bookings?", "Give exactly one of ?patient= or ?practitioner= (an account id).");
        var (role, account) = string.IsNullOrEmpty(patient) ? ("practitioner", practitioner!) : ("patient", patient);
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", $"{role} must be an account id of 64 hex characters.");
        if (!ListPage.TryRead(limit, after, out var bad, out var page)) return bad;
        if (!ledger.MayAsk(user.Asker(), ServicesContract.ContractName, "bookings", new CborMap { ["account"] = id.ToString() }))
            return Problems.Refused(user, "Bookings are listed to the patient or practitioner they belong to, and to the consortium's auditors.");
        var args = new CborMap { ["account"] = id.ToString() };
        page.AddTo(args);
        var found = ledger.Ask<BookingList>(ServicesContract.ContractName, "bookings", args);
        var statusQuery = string.IsNullOrEmpty(status) ? "" : $"&status={Uri.EscapeDataString(status)}";
        page.LinkNext(response, $"/v1/bookings?{role}={id}{statusQuery}", found.Next);
        return TypedResults.Ok(found.Bookings
            .Where(b => (role == "patient" ? b.Patient : b.Practitioner) == id && (string.IsNullOrEmpty(status) || b.Status == status)).ToList());
    }

    private static ServicesTerms Terms(LedgerReader ledger) => ledger.Ask<ServicesTerms>(ServicesContract.ContractName, "terms", new CborMap());

    private readonly record struct Time(bool Ok, long Value);

    private static Time? ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return new(true, ms);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? new(true, time.ToUnixTimeMilliseconds())
            : new(false, 0);
    }
}

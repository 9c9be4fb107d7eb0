using CareLedger.Contracts;
using System.Globalization;
using System.Text.Json;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Api;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Services;

/// <summary>
/// Read endpoints over the services contract's queries, for the portal and third parties: practitioner
/// search, profiles with slots, bookings and the terms. Writes are signed transactions (POST /v1/transactions).
/// </summary>
public static class ServicesApi
{
    public static void MapServicesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Services").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/practitioners", Search)
            .WithSummary("Practitioners licensed now who match every criterion, best rated first, then cheapest")
            .WithDescription("All optional: specialty, language, mode (video or on-site), asset, maxPrice, minRating (stars, 0 to 5), " +
                             "from and to (Unix ms or ISO 8601): only practitioners with a free slot starting in that window.");
        group.MapGet("/practitioners/{account}", Practitioner).WithSummary("A practitioner's profile and rating, with every slot they published")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/bookings/{id}", Booking).WithSummary("A booking: status, slot, price, and how its escrow was settled").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/bookings", Bookings).WithSummary("The bookings of one patient (?patient=) or one practitioner (?practitioner=), soonest slot first");
        group.MapGet("/services/terms", Terms).WithSummary("The platform's terms: fee, operator, arbitrator, cancellation and acknowledgement periods");
    }

    private static Results<Ok<List<PractitionerDto>>, ProblemHttpResult> Search(LedgerReader ledger, string? specialty, string? language, string? mode, string? asset, long? maxPrice,
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

        var answer = ledger.Ask(ServicesContract.ContractName, "search", args);
        return TypedResults.Ok(answer.GetList("practitioners").Cast<CborMap>().Select(ContractQueries.As<PractitionerDto>).ToList());
    }

    private static Results<Ok<PractitionerDetailsDto>, ProblemHttpResult> Practitioner(string account, LedgerReader ledger)
    {
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", "An account id is 64 hex characters.");
        var profile = ledger.Ask(ServicesContract.ContractName, "profile", new CborMap { ["practitioner"] = id.ToString() });
        if (!profile.GetBool("found")) return Problems.NotFound("Unknown practitioner", $"{account} has published no profile.");
        var slots = ledger.Ask(ServicesContract.ContractName, "slots", new CborMap { ["practitioner"] = id.ToString() }).GetList("slots").Cast<CborMap>().Select(ContractQueries.As<SlotDto>).ToList();
        return TypedResults.Ok(new PractitionerDetailsDto(ContractQueries.As<PractitionerDto>(profile), slots));
    }

    private static Results<Ok<BookingDto>, ProblemHttpResult> Booking(string id, LedgerReader ledger)
    {
        if (!CallerIds.IsValid(id)) return Problems.Bad("Bad booking id", "A booking id is 1-64 lowercase letters, digits or hyphens.");
        var booking = ledger.Ask(ServicesContract.ContractName, "booking", new CborMap { ["booking"] = id });
        if (!booking.GetBool("found")) return Problems.NotFound("Unknown booking", $"No booking {id}.");
        return TypedResults.Ok(ContractQueries.As<BookingDto>(booking));
    }

    private static Results<Ok<List<BookingDto>>, ProblemHttpResult> Bookings(LedgerReader ledger, string? patient, string? practitioner, string? status)
    {
        if (string.IsNullOrEmpty(patient) == string.IsNullOrEmpty(practitioner))
            return Problems.Bad("Whose bookings?", "Give exactly one of ?patient= or ?practitioner= (an account id).");
        var (role, account) = string.IsNullOrEmpty(patient) ? ("practitioner", practitioner!) : ("patient", patient);
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", $"{role} must be an account id of 64 hex characters.");
        var bookings = ledger.Ask(ServicesContract.ContractName, "bookings", new CborMap { ["account"] = id.ToString() }).GetList("bookings").Cast<CborMap>()
            .Where(b => b.GetText(role) == id.ToString() && (string.IsNullOrEmpty(status) || b.GetText("status") == status))
            .Select(ContractQueries.As<BookingDto>).OrderBy(b => b.Start).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(bookings);
    }

    private static ServicesTermsDto Terms(LedgerReader ledger) => ContractQueries.As<ServicesTermsDto>(ledger.Ask(ServicesContract.ContractName, "terms", new CborMap()));

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

using CareLedger.Contracts.Services;
using CareLedger.Portal.Session;
using Microsoft.Extensions.Localization;

namespace CareLedger.Portal.Records;

/// <summary>
/// Bookings as people read them: where one stands in plain words, prices, modes and ratings. Each takes the page's
/// <c>L</c>; the overloads without it give English, for pages not translated yet.
/// </summary>
public static class Consultations
{
    public static string Status(Booking b, bool forPatient) => Status(b, forPatient, EnglishWords.Instance);

    public static string Status(Booking b, bool forPatient, IStringLocalizer L) => b.Status switch
    {
        BookingStatus.Requested => forPatient ? L["Requested: waiting for the doctor to accept"] : L["Requested: accept or decline"],
        BookingStatus.Accepted when b.Mode == ConsultationModes.Async => forPatient ? L["Accepted: the doctor is writing the answer"] : L["Accepted: write the answer"],
        BookingStatus.Accepted => Phrase.Capitalized(L["accepted"]),
        BookingStatus.InProgress => Phrase.Capitalized(L["in progress"]),
        BookingStatus.Ended => forPatient ? L["Ended: waiting for the doctor's summary"] : L["Ended: write the summary"],
        BookingStatus.Completed => forPatient ? L["Completed: please acknowledge"] : L["Completed: waiting for the patient's acknowledgement"],
        BookingStatus.Released => L["Done and paid"],
        BookingStatus.Declined => L["Declined by the doctor; refunded"],
        BookingStatus.Cancelled => b.Refunded == b.Price ? L["Cancelled; refunded"] : L["Cancelled late; {0} refunded", Price(b.Refunded, b.Asset)],
        BookingStatus.Expired when b.Mode == ConsultationModes.Async => L["Not answered in time; refunded"],
        BookingStatus.Expired => L["Not accepted in time; refunded"],
        BookingStatus.NoShow => L["Did not take place; refunded"],
        BookingStatus.Disputed => L["Disputed: with the arbitrator"],
        BookingStatus.Resolved => L["Resolved by the arbitrator"],
        _ => b.Status,
    };

    /// <summary>"general-practice" reads "General practice" (a specialty's code, as the practitioner's profile gives it).</summary>
    public static string Specialty(string code) => code.Length == 0 ? "—" : char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ');

    /// <summary>
    /// A specialty in the person's language when it is one of the usual codes; any other code, which a practitioner chose
    /// freely, reads as <see cref="Specialty(string)"/> makes it.
    /// </summary>
    public static string Specialty(string code, IStringLocalizer L) => code switch
    {
        "general-practice" => L["General practice"],
        "family-medicine" => L["Family medicine"],
        "internal-medicine" => L["Internal medicine"],
        "cardiology" => L["Cardiology"],
        "dermatology" => L["Dermatology"],
        "paediatrics" or "pediatrics" => L["Paediatrics"],
        "psychiatry" => L["Psychiatry"],
        "neurology" => L["Neurology"],
        "gynaecology" or "gynecology" => L["Gynaecology"],
        "endocrinology" => L["Endocrinology"],
        _ => Specialty(code),
    };

    public static string Price(long amount, string asset) => $"{amount} {asset}";

    public static string Mode(string mode) => Mode(mode, EnglishWords.Instance);

    public static string Mode(string mode, IStringLocalizer L) => mode switch
    {
        ConsultationModes.Video => L["Video call"],
        ConsultationModes.OnSite => L["At the practice"],
        ConsultationModes.Async => L["Written consultation"],
        _ => char.ToUpperInvariant(mode[0]) + mode[1..],
    };

    public static string Rating(long tenths, long count) => Rating(tenths, count, EnglishWords.Instance);

    /// <summary>"4.5 of 5 (2 ratings)", the average in the person's culture ("4,5 de 5" in Spanish).</summary>
    public static string Rating(long tenths, long count, IStringLocalizer L) =>
        count == 0 ? L["No ratings yet"]
        : count == 1 ? L["{0} of 5 (1 rating)", (tenths / 10m).ToString("0.0", System.Globalization.CultureInfo.CurrentCulture)]
        : L["{0} of 5 ({1} ratings)", (tenths / 10m).ToString("0.0", System.Globalization.CultureInfo.CurrentCulture), count];

    /// <summary>A fresh booking id the contract accepts: lowercase letters, digits and hyphens.</summary>
    public static string NewBookingId() => "bk-" + Guid.NewGuid().ToString("N")[..16];
}

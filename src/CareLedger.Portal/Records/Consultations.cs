using CareLedger.Contracts.Services;

namespace CareLedger.Portal.Records;

/// <summary>Bookings as people read them: where one stands in plain words, prices, modes and ratings.</summary>
public static class Consultations
{
    public static string Status(Booking b, bool forPatient) => b.Status switch
    {
        BookingStatus.Requested => forPatient ? "Requested: waiting for the doctor to accept" : "Requested: accept or decline",
        BookingStatus.Accepted => "Accepted",
        BookingStatus.InProgress => "In progress",
        BookingStatus.Ended => forPatient ? "Ended: waiting for the doctor's summary" : "Ended: write the summary",
        BookingStatus.Completed => forPatient ? "Completed: please acknowledge" : "Completed: waiting for the patient's acknowledgement",
        BookingStatus.Released => "Done and paid",
        BookingStatus.Declined => "Declined by the doctor; refunded",
        BookingStatus.Cancelled => b.Refunded == b.Price ? "Cancelled; refunded" : $"Cancelled late; {Price(b.Refunded, b.Asset)} refunded",
        BookingStatus.Expired => "Not accepted in time; refunded",
        BookingStatus.NoShow => "Did not take place; refunded",
        BookingStatus.Disputed => "Disputed: with the arbitrator",
        BookingStatus.Resolved => "Resolved by the arbitrator",
        _ => b.Status,
    };

    /// <summary>"general-practice" reads "General practice".</summary>
    public static string Specialty(string code) => code.Length == 0 ? "—" : char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ');

    public static string Price(long amount, string asset) => $"{amount} {asset}";

    public static string Mode(string mode) => mode switch
    {
        ConsultationModes.Video => "Video call",
        ConsultationModes.OnSite => "At the practice",
        _ => char.ToUpperInvariant(mode[0]) + mode[1..],
    };

    public static string Rating(long tenths, long count) =>
        count == 0 ? "No ratings yet" : $"{tenths / 10}.{tenths % 10} of 5 ({count} {(count == 1 ? "rating" : "ratings")})";

    /// <summary>A fresh booking id the contract accepts: lowercase letters, digits and hyphens.</summary>
    public static string NewBookingId() => "bk-" + Guid.NewGuid().ToString("N")[..16];
}

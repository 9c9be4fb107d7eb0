using System.Globalization;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Live;

namespace CareLedger.Node.Notifications;

/// <summary>Which of a member's choices lets a letter go out (<see cref="NotificationPreferences"/>).</summary>
public enum LetterKind { Booking, Reminder, BreakGlass }

/// <summary>
/// A mail to write to a member: like a live notice, it carries times, ids, public names and a link to the portal, never
/// clinical content, a break-glass reason or a patient's name. The address is looked up when it is sent, so that a
/// member who forgets their preferences before then gets nothing. <see cref="Booking"/> names the booking a reminder is for.
/// </summary>
public sealed record Letter(AccountId To, LetterKind Kind, string Subject, string Body, string? Booking = null)
{
    public bool Wanted(NotificationPreferences p) => p.Mails && Kind switch
    {
        LetterKind.Booking => p.Bookings,
        LetterKind.Reminder => p.Reminders,
        LetterKind.BreakGlass => p.BreakGlass,
        _ => false,
    };

    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The letter for a live notice, or null for notices that do not go by e-mail (records shared or added, dispenses).</summary>
    public static Letter? Of(AccountId to, LiveNotice notice, Booking? booking, string portal)
    {
        var link = portal + notice.Link;
        var by = notice.About.GetValueOrDefault("by") is { Length: > 0 } name ? name : "your practitioner";
        var id = notice.About.GetValueOrDefault("booking") ?? "";
        var when = booking is null ? "" : $" for {Time(booking.Start)}";
        return notice.Kind switch
        {
            LiveNotice.BookingRequested => new(to, LetterKind.Booking, "A consultation was requested",
                Compose($"A patient asked for a consultation{when} (booking {id}).", link), id),
            LiveNotice.BookingAccepted => new(to, LetterKind.Booking, "Your consultation was accepted",
                Compose($"{by} accepted your consultation{when} (booking {id}).", link), id),
            LiveNotice.BookingDeclined => new(to, LetterKind.Booking, "Your consultation was declined",
                Compose($"{by} declined your consultation{when} (booking {id}). Your payment is refunded.", link), id),
            LiveNotice.ConsultationCompleted => new(to, LetterKind.Booking, "Your consultation is complete",
                Compose($"{by} completed your consultation{when} (booking {id}).", link), id),
            LiveNotice.BreakGlass => new(to, LetterKind.BreakGlass, "Your record was read in an emergency",
                Compose($"{by} read one of your records in an emergency (break-glass) on {Time(notice.Time)}. Your access log shows the read.", link)),
            _ => null,
        };
    }

    /// <summary>The reminder of a consultation for one of its parties.</summary>
    public static Letter Reminder(AccountId to, Booking booking, string practitionerName, string portal) =>
        new(to, LetterKind.Reminder, $"Consultation at {Time(booking.Start)}",
            Compose($"Your consultation{(to == booking.Practitioner || practitionerName.Length == 0 ? "" : $" with {practitionerName}")} starts at {Time(booking.Start)} " +
                 $"(booking {booking.Id}). The consultation room opens shortly before.", portal + "room/" + Uri.EscapeDataString(booking.Id)), booking.Id);

    private static string Compose(string text, string link) =>
        $"{text}\n\nOpen CareLedger: {link}\n\nThis message says only what happened, never anything about your health. " +
        "You can change which messages you get on the portal's Notifications page.\n";
}

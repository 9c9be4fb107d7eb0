using System.Net.Mail;
using System.Text;

namespace CareLedger.Node.Notifications;

/// <summary>
/// What a member wants by e-mail (ADR 0018): an address, which notices (booking changes, consultation reminders,
/// break-glass alerts), how long before a consultation its reminder comes, and a quiet switch that stops every mail
/// while keeping the choices. Kept by the node, encrypted, never on the ledger.
/// </summary>
public sealed record NotificationPreferences(
    string? Email, bool Bookings = true, bool Reminders = true, bool BreakGlass = true, int ReminderMinutes = 60, bool Quiet = false)
{
    public const int MinReminderMinutes = 5;
    public const int MaxReminderMinutes = 7 * 24 * 60;
    public const int MaxEmailLength = 254;

    /// <summary>Nothing chosen yet: no address, so no mail.</summary>
    public static NotificationPreferences None { get; } = new((string?)null);

    [System.Text.Json.Serialization.JsonIgnore] public bool Mails => !Quiet && !string.IsNullOrEmpty(Email);

    /// <summary>Why these preferences cannot be kept, or null when they can.</summary>
    public string? Problem()
    {
        if (ReminderMinutes is < MinReminderMinutes or > MaxReminderMinutes)
            return $"reminderMinutes is from {MinReminderMinutes} to {MaxReminderMinutes} (a week), not {ReminderMinutes}.";
        if (string.IsNullOrEmpty(Email)) return null;
        // One plain ASCII address (local@domain), no display name, no list, no line breaks that could forge headers.
        if (Email.Length > MaxEmailLength || !Ascii.IsValid(Email) || Email.Any(char.IsControl) || Email.Any(char.IsWhiteSpace)
            || !MailAddress.TryCreate(Email, out var parsed) || parsed.Address != Email || !parsed.Host.Contains('.') && parsed.Host != "localhost")
            return "email is one address such as name@example.org (ASCII, at most 254 characters, no name, no spaces).";
        return null;
    }
}

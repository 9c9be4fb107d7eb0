namespace CareLedger.Node.Live;

/// <summary>
/// Something a person should know at once, pushed to their open portal: its <see cref="Kind"/> (the portal words it in
/// the person's language), the portal page it concerns, the block time, whether it is urgent, and what it is about
/// (ids and public names only: never clinical content, never a patient's name).
/// </summary>
public sealed record LiveNotice(string Kind, string Link, long Time, bool Urgent, IReadOnlyDictionary<string, string> About)
{
    public const string BookingRequested = "booking-requested";
    public const string BookingAccepted = "booking-accepted";
    public const string BookingDeclined = "booking-declined";
    public const string ConsultationCompleted = "consultation-completed";
    public const string BreakGlass = "break-glass";
    public const string SharedWithYou = "shared-with-you";
    public const string RecordAdded = "record-added";
    public const string Dispensed = "dispensed";
    /// <summary>A booking's message (or transcript) was added by the other party: the record's id only; the portal fetches and decrypts it.</summary>
    public const string Message = "message";
    /// <summary>The other party of a booking consented to keep its chat as a transcript; it is kept once this one consents too.</summary>
    public const string TranscriptConsented = "transcript-consented";
}

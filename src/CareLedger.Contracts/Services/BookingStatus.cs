namespace CareLedger.Contracts.Services;

/// <summary>
/// Where a booking stands. Requested and accepted bookings are open: their slot lies ahead and
/// their price is in escrow. A booking leaves escrow for good when it is released (to the
/// practitioner), resolved (by the arbitrator) or refunded in full or in part (declined,
/// cancelled, expired unaccepted, no-show).
/// </summary>
public static class BookingStatus
{
    public const string Requested = "requested";
    public const string Accepted = "accepted";
    public const string InProgress = "in-progress";
    public const string Ended = "ended";
    public const string Completed = "completed";
    public const string Released = "released";
    public const string Declined = "declined";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
    public const string NoShow = "no-show";
    public const string Disputed = "disputed";
    public const string Resolved = "resolved";

    public static bool IsOpen(string status) => status is Requested or Accepted;

    /// <summary>Statuses in which the practitioner is caring for the patient: the consultation was accepted, held or completed.</summary>
    public static bool IsCaring(string status) => status is Accepted or InProgress or Ended or Completed or Released;

    /// <summary>Statuses whose price is still in escrow.</summary>
    public static bool HoldsEscrow(string status) => status is Requested or Accepted or InProgress or Ended or Completed or Disputed;
}

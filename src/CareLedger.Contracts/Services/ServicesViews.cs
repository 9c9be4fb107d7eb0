namespace CareLedger.Contracts.Services;

/// <summary>A practitioner as search shows them: the profile, the specialty their licence holds now, the rating in tenths of a star and free slots.</summary>
public sealed record PractitionerDto(string Practitioner, string Name, string Org, string Specialty, IReadOnlyList<string> Languages,
    IReadOnlyList<string> Modes, long Price, string Asset, bool ReferralOnly, long RatingTenths, long Ratings, bool Licensed,
    IReadOnlyList<SlotDto> FreeSlots, string? LicenceProblem = null);

/// <summary>A slot from <c>Start</c> to <c>End</c> (Unix ms); <c>Booking</c> is empty while it is free.</summary>
public sealed record SlotDto(long Start, long End, string Booking)
{
    public bool Free => Booking.Length == 0;
}

/// <summary>One practitioner's page: the profile and every slot they published, booked or not.</summary>
public sealed record PractitionerDetailsDto(PractitionerDto Profile, IReadOnlyList<SlotDto> Slots);

/// <summary>
/// A booking as the services contract keeps it. Times are Unix ms (0 while the step has not
/// happened); <c>Due</c> is when the current deadline falls; amounts are in <c>Asset</c> units.
/// </summary>
public sealed record BookingDto(string Id, string Patient, string Practitioner, string Org, long Start, long End, string Mode, string Symptoms,
    long Price, string Asset, string Insurer, string Referral, string Status, string Reason, long Due, long Created, long Accepted, long Started,
    long Ended, long Completed, long Closed, string Summary, long Refunded, long Paid, long Fee, long Rating, DisputeDto? Dispute = null);

public sealed record DisputeDto(string By, string Reason, long Opened, string From, string? Decision = null, long? Decided = null, string? Arbitrator = null);

public sealed record ReferralDto(string Id, string From, string Patient, string Org, string Examination, long Expiry, long Created, string Booking);

public sealed record CoverageDto(string Patient, string Insurer, string Asset, long Limit, long Used, long Updated);

public sealed record TreasuryDto(string Org, string Asset, long Amount);

public sealed record OpinionDto(string ContentHash, long Time, long Paid, long Fee);

/// <summary>A second-opinion case; <c>Opinions</c> maps each practitioner who answered to their opinion.</summary>
public sealed record OpinionCaseDto(string Id, string Patient, IReadOnlyList<string> Records, IReadOnlyList<string> Practitioners, long Fee,
    string Asset, IReadOnlyDictionary<string, OpinionDto> Opinions, string Status, long Created, long Refunded, long Due, long? Closed = null);

public sealed record ServicesTermsDto(long PlatformFeeBps, string Operator, string Arbitrator, long FreeCancellationHours, long LateRefundPercent,
    long AcknowledgementHours, long NoShowGraceMinutes);


namespace CareLedger.Client.Services;

/// <summary>What a practitioner offers: languages (tags such as "en"), modes ("video", "on-site", "async") and a price per consultation.
/// <c>ResponseHours</c> is the window within which an asynchronous ("async") consultation is answered, required with that mode.</summary>
public sealed record ProfileOffer(IReadOnlyList<string> Languages, IReadOnlyList<string> Modes, long Price, string Asset, bool ReferralOnly = false, long ResponseHours = 0);

/// <summary>
/// A booking of the practitioner's slot at <c>Start</c>. <c>Symptoms</c> is the SHA-256 of the
/// patient's statement, which stays off the ledger; <c>Insurer</c> pays within the patient's coverage.
/// </summary>
public sealed record BookingRequest(string Booking, string Practitioner, long Start, string Mode, string Symptoms, string? Insurer = null, string? Referral = null);

public sealed record ReferralRequest(string Referral, string Patient, string Organisation, string Examination, long Expiry);

public sealed record OpinionRequest(string Case, IReadOnlyList<string> Records, IReadOnlyList<string> Practitioners, long Fee, string Asset, long Deadline);

namespace CareLedger.Contracts.Services;

/// <summary>
/// A practitioner's page as GET /v1/practitioners/{account} serves it: their listing (the answer to
/// services.profile) and every slot they published, booked or not (services.slots). It is two answers
/// side by side rather than one, so it has no CBOR form of its own; both its parts are records.
/// </summary>
public sealed record PractitionerPage(PractitionerListing Profile, IReadOnlyList<Slot> Slots);

namespace CareLedger.Contracts.Prescriptions;

/// <summary>An alert as the ledger records it with the prescription: acknowledged by the prescriber.</summary>
public sealed record RecordedAlertDto(string Kind, string Severity, string Code, bool Acknowledged);

/// <summary>One dispense: which fill, how many doses, the charge moved to the pharmacy's till, by whom and when.</summary>
public sealed record DispenseDto(long Fill, long Quantity, long Charge, string Asset, string Pharmacy, string Pharmacist, long Time, string Tx, long Reward);

/// <summary>
/// A prescription as the prescriptions contract keeps it. Times are Unix ms; <c>FirstDay</c> is the
/// UTC day number of the first dispense (-1 before it); <c>Pharmacy</c>, <c>CodeHash</c> and
/// <c>Price</c> describe the current presentation and are empty or 0 when there is none.
/// </summary>
public sealed record PrescriptionDto(string Id, string Patient, string Prescriber, string IssuedBy, string Record, long RecordVersion, string ContentHash,
    string Medication, long Quantity, long Fills, long FillsLeft, long Remaining, long Dispensed, long Dispenses, long DosesPerDay, long Expiry,
    IReadOnlyList<RecordedAlertDto> Alerts, long Issued, long SignedAt, string Status, long Cancelled, string Reason, string RenewedFrom,
    string Pharmacy, string CodeHash, long Price, string Asset, string Programme, long FirstDay, long Taken, long AdherentDays, long Rewards,
    IReadOnlyList<DispenseDto>? DispenseLog = null, long? Scheduled = null)
{
    /// <summary>The fill a dispense would serve now: the first one not yet fully dispensed.</summary>
    public long CurrentFill => Fills - FillsLeft + 1;
}

public sealed record AdherenceItemDto(string Prescription, string Medication, long DosesPerDay, long Taken, long Scheduled, long Percent, long AdherentDays,
    long Rewards, string Programme);

/// <summary>A patient's adherence: doses checked in against doses scheduled so far, as a whole percent, per prescription and in total.</summary>
public sealed record AdherenceDto(string Patient, long Taken, long Scheduled, long Percent, long Rewards, IReadOnlyList<AdherenceItemDto> Prescriptions);

public sealed record ProgrammeDto(string Id, string Org, string Asset, long RewardPerDay, long RewardPerDispense, long Funded, long Pool, long Updated);

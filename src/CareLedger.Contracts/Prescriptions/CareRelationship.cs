using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// Whether a practitioner is treating a patient at a block time: the patient gave them (or their
/// organisation) a treatment grant that is neither revoked nor expired, or booked them and the
/// consultation was accepted, held or completed.
/// </summary>
public static class CareRelationship
{
    private static readonly string[] CaringStatuses =
        [BookingStatus.Accepted, BookingStatus.InProgress, BookingStatus.Ended, BookingStatus.Completed, BookingStatus.Released];

    public static Outcome Check(ContractState state, AccountId practitioner, AccountId patient, long time)
    {
        var member = Members.FindMember(state, practitioner);
        foreach (var (_, grant) in state.Scan(ConsentGrant.Of(patient)))
        {
            var toPractitioner = RecordAccess.IsGrantee(grant, practitioner, member);
            if (toPractitioner && grant.Purpose == Purposes.Treatment && !grant.Revoked && grant.Expiry > time)
                return Outcome.Ok;
        }
        foreach (var (key, _) in state.Scan(BookingParty.Of(practitioner)))
        {
            var booking = state.Get(Booking.Key(StateKeys.LastSegment(key)));
            if (booking is not null && booking.Patient == patient && CaringStatuses.Contains(booking.Status))
                return Outcome.Ok;
        }
        return Outcome.Fail("no care relationship: the patient has given you no treatment grant and has no accepted or completed consultation with you");
    }
}

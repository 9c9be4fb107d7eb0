using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// Whether a practitioner is treating a patient at a block time: the patient gave them (or their
/// organisation) a treatment grant that is neither revoked nor expired, or booked them and the
/// consultation was accepted, held or completed (one read of the practitioner×patient care index,
/// however many bookings the practitioner has).
/// </summary>
public static class CareRelationship
{
    public static Outcome Check(ContractState state, AccountId practitioner, AccountId patient, long time)
    {
        if (state.Contains(CareLink.Key(practitioner, patient))) return Outcome.Ok;
        var member = Members.FindMember(state, practitioner);
        foreach (var (_, grant) in state.Scan(ConsentGrant.Of(patient)))
        {
            var toPractitioner = RecordAccess.IsGrantee(grant, practitioner, member);
            if (toPractitioner && grant.Purpose == Purposes.Treatment && !grant.Revoked && grant.Expiry > time)
                return Outcome.Ok;
        }
        return Outcome.Fail("no care relationship: the patient has given you no treatment grant and has no accepted or completed consultation with you");
    }
}

using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>
/// Key generations, read from the ledger without a field of their own (ADR 0005, "Revocation"). A version that commits a
/// non-empty set of wrapped keys starts a generation under a fresh data key; a version that commits the empty set is
/// encrypted under the key of the generation before it. The first version always starts one. A new key is due once a
/// grant that covered the record ended (revoked or expired) after its generation began, so that whoever kept the old
/// key cannot open what is written next.
/// </summary>
public static class RecordKeys
{
    /// <summary>The keys hash of a version that keeps its generation's data key: SHA-256 of the empty canonical CBOR map.</summary>
    public static readonly string SameKey = Hash256.Of(new CborMap().Encode()).ToString();

    /// <summary>The version whose wrapped keys open <paramref name="version"/>: the latest at or before it that committed keys (1 at least).</summary>
    public static long GenerationOf(ContractState state, string recordId, long version) =>
        state.Scan(RecordVersion.Of(recordId)).Select(e => e.Value)
            .Where(v => v.Version <= version && v.KeysHash != SameKey).Select(v => v.Version).DefaultIfEmpty(1).Max();

    /// <summary>Whether a version written at <paramref name="time"/> needs a new data key: a grant that covered the record ended since <paramref name="generation"/> began.</summary>
    public static bool NewKeyDue(ContractState state, MedicalRecord record, long generation, long time)
    {
        if (state.Get(RecordVersion.Key(record.Id, generation)) is not { } start) return false;
        // From the generation's own block on: a revoke in the same block may have come after the key was made, and an
        // unneeded new key costs only a wrap per reader.
        return state.Scan(ConsentGrant.Of(record.Patient)).Select(e => e.Value).Any(g =>
            Covers(g, record) && ((g.Revoked && g.RevokedAt >= start.Time && g.RevokedAt <= time) || (g.Expiry >= start.Time && g.Expiry <= time)));
    }

    /// <summary>Whom the patient's grants in force give this record to now: grantees, and organisations' clinical staff.</summary>
    public static IReadOnlyList<AccountId> GranteesInForce(ContractState state, MedicalRecord record, long time)
    {
        var grants = InForce(state, record, time).ToList();
        // An organisation grant reaches its staff: read from that organisation's staff index, not from every member.
        var staff = grants.Where(g => g.GranteeOrg is not null).Select(g => g.GranteeOrg!).Distinct()
            .SelectMany(org => state.Scan(StaffSeat.Of(org)).Select(e => Members.FindMember(state, e.Value.Account)).OfType<Member>())
            .Where(m => grants.Any(g => g.GranteeOrg is not null && RecordAccess.IsGrantee(g, m.Account, m))).Select(m => m.Account);
        return [.. grants.Where(g => g.Grantee is not null).Select(g => g.Grantee!.Value).Concat(staff).Distinct()];
    }

    /// <summary>
    /// Whether a new data key may be wrapped for <paramref name="reader"/> at <paramref name="time"/>: the patient, the
    /// version's author, the practitioner of the booking the record belongs to, a grantee of a grant in force that covers the record, or a node holding the emergency copy.
    /// </summary>
    public static bool MayHoldKey(ContractState state, MedicalRecord record, AccountId author, AccountId reader, long time)
    {
        if (reader == record.Patient || reader == author) return true;
        if (BookingRecords.Of(state, record.Id)?.Practitioner == reader) return true;
        var member = Members.FindMember(state, reader);
        if (InForce(state, record, time).Any(g => RecordAccess.IsGrantee(g, reader, member))) return true;
        return Members.FindMember(state, record.Patient)?.Organisation is { } org && EmergencyHolders(state, org).Contains(reader);
    }

    private static IEnumerable<ConsentGrant> InForce(ContractState state, MedicalRecord record, long time) =>
        state.Scan(ConsentGrant.Of(record.Patient)).Select(e => e.Value).Where(g => Covers(g, record) && !(g.Revoked && g.RevokedAt <= time) && g.Expiry > time);

    private static bool Covers(ConsentGrant g, MedicalRecord record) => g.Records.Contains(record.Id) || g.Types.Contains(record.Type);

    /// <summary>
    /// The organisation's nodes (its validators) that published a key: they hold the emergency copies, which a node opens
    /// with its validator key to break the glass. Other service members get none.
    /// </summary>
    public static IReadOnlyList<AccountId> EmergencyHolders(ContractState state, string organisation) =>
        state.Scan(Validator.All).Where(v => v.Value.Organisation == organisation)
            .Select(v => AccountId.FromPublicKey(v.Value.PublicKey))
            .Where(account => state.Contains(PublishedKey.Key(account)))
            .ToList();
}

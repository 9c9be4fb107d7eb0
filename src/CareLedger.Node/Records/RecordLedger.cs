using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Vault.Records;

namespace CareLedger.Node.Records;

/// <summary>What the node's record services read of the records contract's state, and the wire views they serve.</summary>
public static class RecordLedger
{
    public static MedicalRecord? Find(ContractState state, string id) => state.Get(MedicalRecord.Key(id));

    public static RecordVersion? FindVersion(ContractState state, string id, long version) => state.Get(RecordVersion.Key(id, version));

    /// <summary>The key an account published for records to be wrapped for (SubjectPublicKeyInfo), or null.</summary>
    public static byte[]? PublishedKey(ContractState state, AccountId account) => state.Get(Contracts.Records.PublishedKey.Key(account))?.PublicKey;

    /// <summary>The ids of a patient's records, in id order.</summary>
    public static IEnumerable<string> IdsOf(ContractState state, AccountId patient) =>
        state.Scan(PatientRecordEntry.Of(patient)).Select(e => StateKeys.LastSegment(e.Key));

    public static IReadOnlyList<AccessLogEntry> AccessLog(ContractState state, AccountId patient) =>
        state.Scan(LoggedAccess.Of(patient)).Select(e => e.Value).Select(e => new AccessLogEntry(e.Record, e.Type, e.Reader.ToString(), e.Purpose, e.Outcome,
            e.Reason, e.BreakGlass, e.Time, e.Node.ToString(), e.Tx)).ToList();

    /// <summary>
    /// The organisation's nodes (its validators) that published a key: they hold the emergency copies, which a node opens
    /// with its validator key to break the glass. Other service members get none.
    /// </summary>
    public static IReadOnlyList<AccountId> EmergencyHoldersOf(ContractState state, string organisation) =>
        state.Scan(Validator.All).Where(v => v.Value.Organisation == organisation)
            .Select(v => AccountId.FromPublicKey(v.Value.PublicKey))
            .Where(account => PublishedKey(state, account) is not null)
            .ToList();

    public static RecordSummary Summary(ContractState state, MedicalRecord r) => new(r.Id, r.Patient.ToString(), r.Type, r.Version, r.Author.ToString(),
        r.Created, r.Updated, r.Erased,
        state.Scan(RecordVersion.Of(r.Id)).Select(e => e.Value)
            .Select(v => new RecordVersionDto(v.Version, v.ContentHash, v.KeysHash, v.Author.ToString(), v.Time, v.Tx)).ToList());
}

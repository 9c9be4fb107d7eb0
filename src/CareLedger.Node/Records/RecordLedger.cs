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

    /// <summary>A page of the ids of a patient's records, in id order, after the id <paramref name="after"/>, and the next page's cursor ("" on the last).</summary>
    /// <summary>Every record id of the patient, page after page.</summary>
    public static IEnumerable<string> AllIdsOf(ContractState state, AccountId patient)
    {
        for (string? after = null; ;)
        {
            var (ids, next) = IdsOf(state, patient, after, null);
            foreach (var id in ids) yield return id;
            if (next.Length == 0) yield break;
            after = next;
        }
    }

    public static (IReadOnlyList<string> Ids, string Next) IdsOf(ContractState state, AccountId patient, string? after, int? limit)
    {
        var (page, next) = QueryPaging.Read(state, PatientRecordEntry.Of(patient), after, limit);
        return ([.. page.Select(e => StateKeys.LastSegment(e.Key))], next);
    }

    /// <summary>A page of the patient's access log, oldest first, and the cursor of the next page ("" on the last).</summary>
    public static AccessLogPage AccessLog(ContractState state, AccountId patient, string? after, int? limit)
    {
        var (page, next) = QueryPaging.Read(state, LoggedAccess.Of(patient), after, limit);
        return new AccessLogPage([.. page.Select(e => e.Value).Select(e => new AccessLogEntry(e.Record, e.Type, e.Reader.ToString(), e.Purpose, e.Outcome,
            e.Reason, e.BreakGlass, e.Time, e.Node.ToString(), e.Tx))], next);
    }

    /// <summary>The organisation's nodes that hold the emergency copies (<see cref="RecordKeys.EmergencyHolders"/>).</summary>
    public static IReadOnlyList<AccountId> EmergencyHoldersOf(ContractState state, string organisation) => RecordKeys.EmergencyHolders(state, organisation);

    public static RecordSummary Summary(ContractState state, MedicalRecord r) => new(r.Id, r.Patient.ToString(), r.Type, r.Version, r.Author.ToString(),
        r.Created, r.Updated, r.Erased,
        state.Scan(RecordVersion.Of(r.Id)).Select(e => e.Value)
            .Select(v => new RecordVersionDto(v.Version, v.ContentHash, v.KeysHash, v.Author.ToString(), v.Time, v.Tx)).ToList());
}

/// <summary>A page of the records of a patient a caller may read, and the cursor of the next page ("" on the last).</summary>
public sealed record RecordPage(IReadOnlyList<RecordSummary> Records, string Next);

/// <summary>A page of a patient's access log and the cursor of the next page ("" on the last).</summary>
public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Entries, string Next);

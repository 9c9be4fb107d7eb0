using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Vault.Records;

namespace CareLedger.Node.Records;

/// <summary>What the records contract keeps, as the node's record services read it from committed state.</summary>
public static class RecordLedger
{
    public sealed record Entry(string Id, AccountId Patient, string Type, long Version, string Author, long Created, long Updated, bool Erased);

    public sealed record Version(long Number, string ContentHash, string KeysHash, string Author, long Time, string Tx);

    public static Entry? Find(ContractState state, string id) =>
        state.Get(RecordsContract.RecordPrefix + id) is { } r
            ? new Entry(id, AccountId.Parse(r.GetText("patient")), r.GetText("type"), r.GetInt("version"), r.GetText("author"), r.GetInt("created"),
                r.GetInt("updated"), r.GetBool("erased"))
            : null;

    public static Version? FindVersion(ContractState state, string id, long version) =>
        state.Get($"{RecordsContract.VersionPrefix}{id}/{version:D6}") is { } v ? ToVersion(v) : null;

    public static IReadOnlyList<Version> Versions(ContractState state, string id) =>
        state.Scan($"{RecordsContract.VersionPrefix}{id}/").Select(v => ToVersion(v.Value)).ToList();

    /// <summary>The key an account published for records to be wrapped for (SubjectPublicKeyInfo), or null.</summary>
    public static byte[]? PublishedKey(ContractState state, AccountId account) =>
        state.Get(RecordsContract.KeyPrefix + account)?.GetBytes("key");

    /// <summary>The ids of a patient's records, in id order.</summary>
    public static IEnumerable<string> IdsOf(ContractState state, AccountId patient) =>
        state.Scan($"{RecordsContract.PatientIndexPrefix}{patient}/").Select(e => e.Key.Split('/')[^1]);

    /// <summary>The keys-hash a patient's grant committed to, or null when the patient gave no such grant.</summary>
    public static string? GrantKeysHash(ContractState state, AccountId patient, string grantId) =>
        state.Get($"{RecordsContract.GrantPrefix}{patient}/{grantId}")?.GetText("keysHash");

    public static IReadOnlyList<AccessLogEntry> AccessLog(ContractState state, AccountId patient) =>
        state.Scan($"{RecordsContract.AccessPrefix}{patient}/").Select(e => e.Value).Select(e => new AccessLogEntry(
            e.GetText("record"), e.GetText("type"), e.GetText("reader"), e.GetText("purpose"), e.GetText("outcome"), e.GetText("reason"),
            e.GetBool("breakGlass"), e.GetInt("time"), e.GetText("node"), e.GetText("tx"))).ToList();

    /// <summary>The service accounts of an organisation that published a key: the nodes that hold emergency copies.</summary>
    public static IReadOnlyList<AccountId> ServiceKeysOf(ContractState state, string organisation) =>
        state.Scan(Members.MemberPrefix)
            .Where(e => e.Value.GetText("org") == organisation && e.Value.GetText("role") == Roles.Service)
            .Select(e => AccountId.Parse(e.Key[Members.MemberPrefix.Length..]))
            .Where(a => PublishedKey(state, a) is not null)
            .ToList();

    public static RecordSummary Summary(ContractState state, Entry r) => new(r.Id, r.Patient.ToString(), r.Type, r.Version, r.Author, r.Created, r.Updated, r.Erased,
        Versions(state, r.Id).Select(v => new RecordVersionDto(v.Number, v.ContentHash, v.KeysHash, v.Author, v.Time, v.Tx)).ToList());

    private static Version ToVersion(Ledger.Encoding.CborMap v) =>
        new(v.GetInt("version"), v.GetText("contentHash"), v.GetText("keysHash"), v.GetText("author"), v.GetInt("time"), v.GetText("tx"));
}

using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>
/// A record's index entry, at records/record/{id}: whose it is, its FHIR resource type, its
/// current version, who added it and when; erasure (crypto-shredding) leaves the entry, marked.
/// </summary>
public sealed record MedicalRecord(string Id, AccountId Patient, string Type, long Version, AccountId Author, long Created, long Updated, bool Erased, long ErasedAt)
    : ICborRecord<MedicalRecord>
{
    public const string KeyPrefix = "records/record/";

    public static StatePrefix<MedicalRecord> All { get; } = new(KeyPrefix);

    public static StateKey<MedicalRecord> Key(string id) => new(KeyPrefix + id);

    public CborMap ToCbor() => new()
    {
        ["id"] = Id, ["patient"] = Patient.ToString(), ["type"] = Type, ["version"] = Version, ["author"] = Author.ToString(),
        ["created"] = Created, ["updated"] = Updated, ["erased"] = Erased, ["erasedAt"] = ErasedAt,
    };

    public static MedicalRecord FromCbor(CborMap map) => CborFields.Read(map, static f => new MedicalRecord(
        f.Text("id"), f.Account("patient"), f.Text("type"), f.Int("version"), f.Account("author"), f.Int("created"), f.Int("updated"),
        f.Bool("erased"), f.Int("erasedAt")));
}

/// <summary>A version of a record, at records/version/{record}/{version:D6}: the hashes of its ciphertext and of its wrapped keys, its author and transaction.</summary>
public sealed record RecordVersion(long Version, string ContentHash, string KeysHash, AccountId Author, long Time, string Tx, long Previous)
    : ICborRecord<RecordVersion>
{
    public const string KeyPrefix = "records/version/";

    public static StatePrefix<RecordVersion> Of(string recordId) => new($"{KeyPrefix}{recordId}/");

    public static StateKey<RecordVersion> Key(string recordId, long version) => new($"{KeyPrefix}{recordId}/{version:D6}");

    public CborMap ToCbor() => new()
    {
        ["version"] = Version, ["contentHash"] = ContentHash, ["keysHash"] = KeysHash, ["author"] = Author.ToString(), ["time"] = Time, ["tx"] = Tx,
        ["previous"] = Previous,
    };

    public static RecordVersion FromCbor(CborMap map) => CborFields.Read(map, static f => new RecordVersion(
        f.Int("version"), f.Text("contentHash"), f.Text("keysHash"), f.Account("author"), f.Int("time"), f.Text("tx"), f.Int("previous")));
}

/// <summary>
/// A patient's consent, at records/grant/{patient}/{id}: a purpose, the records and resource types
/// it covers, an expiry, and its grantee — one account or, for its clinical staff, one organisation.
/// </summary>
public sealed record ConsentGrant(
    string Id, AccountId Patient, string Purpose, IReadOnlyList<string> Records, IReadOnlyList<string> Types, long Expiry, long Created, bool Revoked,
    long RevokedAt, string KeysHash, AccountId? Grantee, string? GranteeOrg) : ICborRecord<ConsentGrant>
{
    public const string KeyPrefix = "records/grant/";

    public static StatePrefix<ConsentGrant> Of(AccountId patient) => new($"{KeyPrefix}{patient}/");

    public static StateKey<ConsentGrant> Key(AccountId patient, string id) => new($"{KeyPrefix}{patient}/{id}");

    public CborMap ToCbor()
    {
        var map = new CborMap
        {
            ["id"] = Id, ["patient"] = Patient.ToString(), ["purpose"] = Purpose, ["records"] = Records, ["types"] = Types, ["expiry"] = Expiry,
            ["created"] = Created, ["revoked"] = Revoked, ["revokedAt"] = RevokedAt, ["keysHash"] = KeysHash,
        };
        if (Grantee is { } grantee) map["grantee"] = grantee.ToString();
        if (GranteeOrg is not null) map["granteeOrg"] = GranteeOrg;
        return map;
    }

    public static ConsentGrant FromCbor(CborMap map) => CborFields.Read(map, static f => new ConsentGrant(
        f.Text("id"), f.Account("patient"), f.Text("purpose"), f.Texts("records"), f.Texts("types"), f.Int("expiry"), f.Int("created"),
        f.Bool("revoked"), f.Int("revokedAt"), f.Text("keysHash"), f.OptionalAccount("grantee"), f.OptionalText("granteeOrg")));
}

/// <summary>
/// A read a node served or refused, at records/access/{patient}/{height:D12}/{tx}/{n:D4}: which
/// record, who asked, for what purpose, the outcome, and when the reader signed the request.
/// </summary>
public sealed record LoggedAccess(
    string Record, string Type, AccountId Reader, string Purpose, string Outcome, string Reason, bool BreakGlass, long Time, long RequestTime,
    AccountId Node, string Tx) : ICborRecord<LoggedAccess>
{
    public const string KeyPrefix = "records/access/";

    public static StatePrefix<LoggedAccess> Of(AccountId patient) => new($"{KeyPrefix}{patient}/");

    public static StateKey<LoggedAccess> Key(AccountId patient, ulong height, Hash256 tx, int entry) => new($"{KeyPrefix}{patient}/{height:D12}/{tx}/{entry:D4}");

    public CborMap ToCbor() => new()
    {
        ["record"] = Record, ["type"] = Type, ["reader"] = Reader.ToString(), ["purpose"] = Purpose, ["outcome"] = Outcome, ["reason"] = Reason,
        ["breakGlass"] = BreakGlass, ["time"] = Time, ["requestTime"] = RequestTime, ["node"] = Node.ToString(), ["tx"] = Tx,
    };

    public static LoggedAccess FromCbor(CborMap map) => CborFields.Read(map, static f => new LoggedAccess(
        f.Text("record"), f.Text("type"), f.Account("reader"), f.Text("purpose"), f.Text("outcome"), f.Text("reason"), f.Bool("breakGlass"),
        f.Int("time"), f.Int("requestTime"), f.Account("node"), f.Text("tx")));
}

/// <summary>Marks a signed read request as logged, at records/access-sig/{SHA-256 of its signature}, so it is logged once.</summary>
public sealed record LoggedRequest(string Tx) : ICborRecord<LoggedRequest>
{
    public const string KeyPrefix = "records/access-sig/";

    public static StateKey<LoggedRequest> Key(byte[] signature) => new(KeyPrefix + Hash256.Of(signature));

    public CborMap ToCbor() => new() { ["tx"] = Tx };

    public static LoggedRequest FromCbor(CborMap map) => CborFields.Read(map, static f => new LoggedRequest(f.Text("tx")));
}

/// <summary>A member's public key (SubjectPublicKeyInfo), at records/key/{account}, so that others can wrap record keys for them.</summary>
public sealed record PublishedKey([property: JsonPropertyName("key"), JsonConverter(typeof(CborBytesJsonConverter))] byte[] PublicKey) : ICborRecord<PublishedKey>
{
    public const string KeyPrefix = "records/key/";

    public static StateKey<PublishedKey> Key(AccountId account) => new(KeyPrefix + account);

    public CborMap ToCbor() => new() { ["key"] = PublicKey };

    public static PublishedKey FromCbor(CborMap map) => CborFields.Read(map, static f => new PublishedKey(f.Bytes("key")));
}

/// <summary>An entry of a patient's record index, at records/patient/{patient}/{record}.</summary>
public sealed record PatientRecordEntry(string Type) : ICborRecord<PatientRecordEntry>
{
    public const string KeyPrefix = "records/patient/";

    public static StatePrefix<PatientRecordEntry> Of(AccountId patient) => new($"{KeyPrefix}{patient}/");

    public static StateKey<PatientRecordEntry> Key(AccountId patient, string recordId) => new($"{KeyPrefix}{patient}/{recordId}");

    public CborMap ToCbor() => new() { ["type"] = Type };

    public static PatientRecordEntry FromCbor(CborMap map) => CborFields.Read(map, static f => new PatientRecordEntry(f.Text("type")));
}

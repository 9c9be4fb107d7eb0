namespace CareLedger.Vault.Records;

/// <summary>Upload of a version's ciphertext and its wrapped keys (base64 of the canonical CBOR key set).</summary>
public sealed record RecordContentUpload(string Ciphertext, string Keys);

/// <summary>Upload of the wrapped keys a grant gives its grantee, named "recordId/account".</summary>
public sealed record GrantKeysUpload(string Patient, string Keys);

/// <summary>What a reader receives: metadata, the ciphertext and the data key wrapped for them alone.</summary>
/// <param name="KeyGeneration">The version whose data key encrypts this one (its key generation; ADR 0005, "Revocation").</param>
/// <param name="NewKeyDue">Served for the latest version: a grant that covered the record ended since its key was made, so the next version needs a new one.</param>
/// <param name="EmergencyCopy">When a new key is due: this key generation left an emergency copy with the patient's organisation's node, so the new key should too.</param>
public sealed record RecordEnvelope(string Record, string Patient, string Type, long Version, string Author, long Time,
    string ContentHash, string Ciphertext, string WrappedKey, string Purpose, bool BreakGlass, long KeyGeneration = 1, bool NewKeyDue = false,
    bool EmergencyCopy = false);

public sealed record RecordVersionDto(long Version, string ContentHash, string KeysHash, string Author, long Time, string Tx);

public sealed record RecordSummary(string Record, string Patient, string Type, long Version, string Author, long Created, long Updated, bool Erased,
    IReadOnlyList<RecordVersionDto> Versions);

public sealed record AccessLogEntry(string Record, string Type, string Reader, string Purpose, string Outcome, string Reason, bool BreakGlass,
    long Time, string Node, string Tx);

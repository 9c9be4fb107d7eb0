using CareLedger.Ledger.Cryptography;

namespace CareLedger.Vault.Storage;

/// <summary>A stored ciphertext whose bytes no longer hash to the content hash it is filed under: damaged on disk.</summary>
public sealed class DamagedBlobException(string recordId, Hash256 hash)
    : IOException($"vault blob {hash} of record {recordId} is damaged on disk")
{
    public string RecordId { get; } = recordId;
    public Hash256 Hash { get; } = hash;
}

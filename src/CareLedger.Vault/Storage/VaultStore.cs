using System.Text.RegularExpressions;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Vault.Storage;

/// <summary>
/// The off-chain store: ciphertext blobs addressed by record and SHA-256 (never shared between
/// records, so erasing one record cannot delete another's ciphertext), and wrapped data keys per
/// record, key generation and reader. It holds nothing a node could read: no plaintext and no unwrapped key.
/// Writes are atomic (temp file + rename); erasure deletes ciphertext and keys (crypto-shredding).
/// </summary>
public sealed partial class VaultStore
{
    private readonly string _blobs;
    private readonly string _keys;
    private readonly string _notes;

    public VaultStore(string folder)
    {
        _blobs = Path.Combine(folder, "blobs");
        _keys = Path.Combine(folder, "keys");
        _notes = Path.Combine(folder, "notes");
        System.IO.Directory.CreateDirectory(_blobs);
        System.IO.Directory.CreateDirectory(_keys);
        System.IO.Directory.CreateDirectory(_notes);
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex NoteNamePattern();

    /// <summary>
    /// Keeps a short text about a record off the ledger, named by the hex of the commitment the ledger holds (a
    /// break-glass reason); erasing the record erases it.
    /// </summary>
    public void PutNote(string recordId, string name, byte[] text) => WriteAtomic(NotePath(recordId, name), text);

    public byte[]? GetNote(string recordId, string name)
    {
        var path = NotePath(recordId, name);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    private string NotePath(string recordId, string name) => NoteNamePattern().IsMatch(name)
        ? Path.Combine(_notes, CheckId(recordId), name)
        : throw new ArgumentException($"'{name}' is not a note name (64 lowercase hex characters)");

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RecordIdPattern();

    public static bool IsRecordId(string? id) => id is not null && RecordIdPattern().IsMatch(id);

    public Hash256 PutBlob(string recordId, byte[] blob)
    {
        var hash = Hash256.Of(blob);
        var path = BlobPath(recordId, hash);
        if (!File.Exists(path)) WriteAtomic(path, blob);
        return hash;
    }

    public byte[]? GetBlob(string recordId, Hash256 hash)
    {
        var path = BlobPath(recordId, hash);
        if (!File.Exists(path)) return null;
        var blob = File.ReadAllBytes(path);
        return Hash256.Of(blob) == hash ? blob : throw new IOException($"vault blob {hash} is damaged on disk");
    }

    /// <summary>Keeps a reader's wrapped key for one key generation of a record (the version that began it; ADR 0005, "Revocation").</summary>
    public void PutKey(string recordId, AccountId reader, byte[] wrappedKey, long generation = 1) => WriteAtomic(KeyPath(recordId, reader, generation), wrappedKey);

    public byte[]? GetKey(string recordId, AccountId reader, long generation = 1)
    {
        var path = KeyPath(recordId, reader, generation);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Deletes one reader's wrapped keys for a record, of every generation; false when there were none.</summary>
    public bool DeleteKey(string recordId, AccountId reader)
    {
        var folder = Path.Combine(_keys, CheckId(recordId));
        if (!System.IO.Directory.Exists(folder)) return false;
        var deleted = false;
        foreach (var path in System.IO.Directory.EnumerateDirectories(folder).Append(folder).Select(f => Path.Combine(f, reader.ToString())).Where(File.Exists).ToList())
        {
            File.Delete(path);
            deleted = true;
        }
        return deleted;
    }

    /// <summary>Deletes a record's ciphertexts, every wrapped key for it and its notes.</summary>
    public void Shred(string recordId)
    {
        foreach (var folder in new[] { Path.Combine(_blobs, CheckId(recordId)), Path.Combine(_keys, recordId), Path.Combine(_notes, recordId) })
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
    }

    private string BlobPath(string recordId, Hash256 hash) => Path.Combine(_blobs, CheckId(recordId), hash.ToString());

    // The first generation keeps the path keys always had, so a vault written before generations needs no migration.
    private string KeyPath(string recordId, AccountId reader, long generation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        return generation == 1 ? Path.Combine(_keys, CheckId(recordId), reader.ToString())
            : Path.Combine(_keys, CheckId(recordId), generation.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.ToString());
    }

    private static string CheckId(string recordId) =>
        IsRecordId(recordId) ? recordId : throw new ArgumentException($"'{recordId}' is not a record id (32 lowercase hex characters)");

    private static void WriteAtomic(string path, byte[] bytes)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

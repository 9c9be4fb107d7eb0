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
    private readonly string _keySets;
    private readonly string _grantKeySets;
    // Stores hold it shared, so uploads and copies run side by side; a shred or a forget holds it alone.
    private readonly ReaderWriterLockSlim _erasing = new(LockRecursionPolicy.NoRecursion);

    public VaultStore(string folder)
    {
        _blobs = Path.Combine(folder, "blobs");
        _keys = Path.Combine(folder, "keys");
        _notes = Path.Combine(folder, "notes");
        _keySets = Path.Combine(folder, "keysets");
        _grantKeySets = Path.Combine(folder, "grantkeysets");
        foreach (var f in new[] { _blobs, _keys, _notes, _keySets, _grantKeySets }) System.IO.Directory.CreateDirectory(f);
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

    /// <summary>Whether a blob is stored (not read nor checked: <see cref="GetBlob"/> checks it when it is served).</summary>
    public bool HasBlob(string recordId, Hash256 hash) => File.Exists(BlobPath(recordId, hash));

    /// <summary>The blob, or null when not stored; throws <see cref="DamagedBlobException"/> when its bytes no longer hash to its name.</summary>
    public byte[]? GetBlob(string recordId, Hash256 hash)
    {
        var path = BlobPath(recordId, hash);
        if (!File.Exists(path)) return null;
        var blob = File.ReadAllBytes(path);
        return Hash256.Of(blob) == hash ? blob : throw new DamagedBlobException(recordId, hash);
    }

    /// <summary>
    /// Deletes a blob whose bytes no longer hash to its name, so that a checked copy can take its place; an intact blob
    /// (repaired meanwhile) is kept. True when a damaged blob was deleted.
    /// </summary>
    public bool DropDamagedBlob(string recordId, Hash256 hash) => Guarded(() =>
    {
        var path = BlobPath(recordId, hash);
        if (!File.Exists(path) || Hash256.Of(File.ReadAllBytes(path)) == hash) return false;
        File.Delete(path);
        return true;
    });

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

    /// <summary>
    /// Keeps the exact wrapped-key set a version committed to (the bytes whose SHA-256 is its keys hash), so that other
    /// nodes can check it against the ledger when they copy it (ADR 0022). It is served only node to node.
    /// </summary>
    public void PutKeySet(string recordId, long version, byte[] set) => WriteAtomic(KeySetPath(recordId, version), set);

    public byte[]? GetKeySet(string recordId, long version) => ReadIfExists(KeySetPath(recordId, version));

    public bool HasKeySet(string recordId, long version) => File.Exists(KeySetPath(recordId, version));

    /// <summary>Keeps the exact wrapped-key set a grant committed to (names "record/account" or "record/generation/account").</summary>
    public void PutGrantKeySet(AccountId patient, string grantId, byte[] set) => WriteAtomic(GrantKeySetPath(patient, grantId), set);

    public byte[]? GetGrantKeySet(AccountId patient, string grantId) => ReadIfExists(GrantKeySetPath(patient, grantId));

    public bool HasGrantKeySet(AccountId patient, string grantId) => File.Exists(GrantKeySetPath(patient, grantId));

    /// <summary>Deletes a grant's key set (after a revoke); false when there was none.</summary>
    public bool DeleteGrantKeySet(AccountId patient, string grantId)
    {
        var path = GrantKeySetPath(patient, grantId);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>
    /// Runs a store with no shred and no forget in between: an upload or a copy checks the ledger (erased? revoked? may the
    /// reader hold a key?) and stores in one step, so an erasure or a revoke that commits meanwhile either comes first and is
    /// seen, or comes after and deletes what was stored. Stores do not wait for one another.
    /// </summary>
    public T Guarded<T>(Func<T> work)
    {
        _erasing.EnterReadLock();
        try { return work(); }
        finally { _erasing.ExitReadLock(); }
    }

    /// <summary>Runs a deletion (a revoke's forget) with no store and no other deletion in between.</summary>
    public T Exclusive<T>(Func<T> work)
    {
        _erasing.EnterWriteLock();
        try { return work(); }
        finally { _erasing.ExitWriteLock(); }
    }

    /// <summary>
    /// Deletes a record's ciphertexts, every wrapped key for it (its versions' and grants' key sets too) and its notes. A
    /// grant's set names only its patient's records, so with <paramref name="patient"/> only that patient's sets are read.
    /// </summary>
    public void Shred(string recordId, AccountId? patient = null)
    {
        _erasing.EnterWriteLock();
        try
        {
            foreach (var folder in new[] { Path.Combine(_blobs, CheckId(recordId)), Path.Combine(_keys, recordId), Path.Combine(_notes, recordId), Path.Combine(_keySets, recordId) })
                if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
            // A grant's set holds keys of every record it covered: one that names this record goes whole.
            var sets = patient is { } owner ? Path.Combine(_grantKeySets, owner.ToString()) : _grantKeySets;
            if (!System.IO.Directory.Exists(sets)) return;
            foreach (var path in System.IO.Directory.EnumerateFiles(sets, "*", SearchOption.AllDirectories).Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal)).ToList())
            {
                bool names;
                // A set that no longer decodes is damaged: it goes too (a peer's checked copy can replace it), not the shred.
                try { names = Crypto.WrappedKeySet.Decode(File.ReadAllBytes(path)).Names.Any(n => n.StartsWith(recordId + "/", StringComparison.Ordinal)); }
                catch (Ledger.Encoding.CborMapException) { names = true; }
                if (names) File.Delete(path);
            }
        }
        finally
        {
            _erasing.ExitWriteLock();
        }
    }

    private static byte[]? ReadIfExists(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;

    private string KeySetPath(string recordId, long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return Path.Combine(_keySets, CheckId(recordId), version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // Grant ids are 32 lowercase hex characters, like record ids (the records contract checks both alike).
    private string GrantKeySetPath(AccountId patient, string grantId) => Path.Combine(_grantKeySets, patient.ToString(), CheckId(grantId));

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

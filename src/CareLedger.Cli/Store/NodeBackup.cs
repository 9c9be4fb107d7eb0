using System.Formats.Tar;
using CareLedger.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace CareLedger.Cli.Store;

/// <summary>
/// A consistent copy of a node's data folder, running or stopped. SQLite databases (the ledger's <c>ledger.db</c>, and
/// any other) are copied with <c>VACUUM INTO</c> from a read transaction, so each is one committed snapshot whatever
/// the node writes meanwhile; the ledger is copied first, then every other file as it is on disk — keystores stay
/// encrypted, the vault's ciphertext and wrapped keys are copied byte for byte, nothing is decrypted. A vault file
/// newer than the ledger's snapshot is harmless (a record the restored ledger does not know yet); a vault file the
/// snapshot needs was written before its block (a record is uploaded before its transaction), so it is there.
/// </summary>
public static class NodeBackup
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    public sealed record Result(string Target, BackupManifest Manifest);

    /// <summary>Backs <paramref name="dataDir"/> up into the new folder <paramref name="target"/>, or a tar archive when it ends in .tar.</summary>
    public static async Task<Result> CreateAsync(string dataDir, string target, TimeProvider clock, CancellationToken ct)
    {
        dataDir = Path.GetFullPath(dataDir);
        target = Path.GetFullPath(target);
        if (!Directory.Exists(dataDir)) throw new CliException($"no data folder at {dataDir}");
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
            throw new CliException($"{target} already exists; back up into a new file or an empty folder");
        if (target.StartsWith(dataDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new CliException("the backup cannot go inside the data folder it copies");
        var archive = target.EndsWith(".tar", StringComparison.OrdinalIgnoreCase);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        // Built beside the target and renamed at the end: an interrupted backup never looks like a finished one.
        var partial = Path.Combine(parent, $".{Path.GetFileName(target)}.partial-{Guid.NewGuid():N}");
        PrivateFiles.CreateFolder(partial);
        try
        {
            var manifest = await CopyAsync(dataDir, partial, clock, ct);
            if (archive)
            {
                await TarFile.CreateFromDirectoryAsync(partial, target, includeBaseDirectory: false, ct);
                PrivateFiles.Restrict(target);
                Directory.Delete(partial, recursive: true);
            }
            else
            {
                if (Directory.Exists(target)) Directory.Delete(target);
                Directory.Move(partial, target);
            }
            return new Result(target, manifest);
        }
        catch
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            throw;
        }
    }

    private static async Task<BackupManifest> CopyAsync(string dataDir, string into, TimeProvider clock, CancellationToken ct)
    {
        var files = new List<BackupFile>();
        BackupLedger? ledger = null;
        var ledgerPath = Path.Combine(dataDir, SqliteLedgerStore.FileName);
        if (File.Exists(ledgerPath))
        {
            files.Add(CopySqlite(ledgerPath, Path.Combine(into, SqliteLedgerStore.FileName), SqliteLedgerStore.FileName));
            using var copy = await SqliteLedgerStore.OpenReadOnlyAsync(Path.Combine(into, SqliteLedgerStore.FileName), ct);
            if (copy.Head is { } head) ledger = new BackupLedger(head.Height, head.Hash().ToString(), head.StateRoot.ToString());
        }
        foreach (var path in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(dataDir, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative == SqliteLedgerStore.FileName || Skipped(relative)) continue;
            var destination = Path.Combine(into, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try { files.Add(IsSqlite(path) ? CopySqlite(path, destination, relative) : CopyFile(path, destination, relative)); }
            catch (FileNotFoundException) { } // erased (crypto-shredded) or replaced while we walked: not part of the snapshot
        }
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, clock.GetUtcNow(), ledger, files);
        manifest.Write(into);
        return manifest;
    }

    /// <summary>
    /// SQLite's own side files (they are folded into the snapshot), half-written temp files, and old ledgers that
    /// <c>--resync</c> moved aside (kept for the operator, never read by the node).
    /// </summary>
    private static bool Skipped(string relative) =>
        relative.EndsWith("-wal", StringComparison.Ordinal) || relative.EndsWith("-shm", StringComparison.Ordinal)
        || relative.EndsWith("-journal", StringComparison.Ordinal) || relative.EndsWith(".tmp", StringComparison.Ordinal)
        || relative.StartsWith("ledger-aside-", StringComparison.Ordinal);

    private static bool IsSqlite(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual(SqliteHeader);
    }

    /// <summary>One committed snapshot of a live database, taken by SQLite itself (<c>VACUUM INTO</c> runs in a read transaction).</summary>
    private static BackupFile CopySqlite(string source, string destination, string relative)
    {
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            connection.Open();
            using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $target";
            vacuum.Parameters.AddWithValue("$target", destination);
            vacuum.ExecuteNonQuery();
        }
        return Listed(destination, relative);
    }

    private static BackupFile CopyFile(string source, string destination, string relative)
    {
        File.Copy(source, destination);
        return Listed(destination, relative);
    }

    private static BackupFile Listed(string path, string relative)
    {
        PrivateFiles.Restrict(path);
        return new BackupFile(relative, new FileInfo(path).Length, BackupFile.HashOf(path));
    }
}

using System.Formats.Tar;
using CareLedger.Cli.Chain;
using CareLedger.Ledger.Storage;

namespace CareLedger.Cli.Store;

/// <summary>
/// Restores a node backup into a new data folder. Every file is checked against the manifest before anything is
/// written; the files are copied into a folder beside the target and renamed into place only once the restored ledger
/// has the manifest's head and replays from its genesis to that head's state root. A damaged backup restores nothing.
/// </summary>
public static class NodeRestore
{
    public sealed record Result(string DataDir, BackupManifest Manifest);

    public static async Task<Result> RunAsync(string from, string dataDir, CancellationToken ct)
    {
        from = Path.GetFullPath(from);
        dataDir = Path.GetFullPath(dataDir);
        if (File.Exists(dataDir) || (Directory.Exists(dataDir) && Directory.EnumerateFileSystemEntries(dataDir).Any()))
            throw new CliException($"{dataDir} is not empty; restore into a new folder (the node's current data is never overwritten)");
        var parent = Path.GetDirectoryName(dataDir)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(dataDir)}.restoring-{Guid.NewGuid():N}");
        PrivateFiles.CreateFolder(staging);
        try
        {
            var backup = await UnpackAsync(from, staging, ct);
            var manifest = BackupManifest.Read(backup);
            manifest.Verify(backup);
            var restored = Path.Combine(staging, "data");
            PrivateFiles.CreateFolder(restored);
            foreach (var file in manifest.Files)
            {
                var destination = Path.Combine(restored, file.Path);
                CreatePrivateFolders(restored, Path.GetDirectoryName(destination)!);
                File.Copy(Path.Combine(backup, file.Path), destination);
                PrivateFiles.Restrict(destination);
            }
            if (manifest.Ledger is { } ledger) await CheckLedgerAsync(restored, ledger, ct);
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir);
            Directory.Move(restored, dataDir);
            return new Result(dataDir, manifest);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The backup as a folder: itself, or a tar archive unpacked into the staging folder.</summary>
    private static async Task<string> UnpackAsync(string from, string staging, CancellationToken ct)
    {
        if (Directory.Exists(from)) return from;
        if (!File.Exists(from)) throw new CliException($"no backup at {from}");
        var unpacked = Path.Combine(staging, "backup");
        PrivateFiles.CreateFolder(unpacked);
        try { await TarFile.ExtractToDirectoryAsync(from, unpacked, overwriteFiles: false, ct); }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or ArgumentException)
        {
            throw new CliException($"the backup is damaged: {from} is not a readable tar archive ({e.Message}); nothing was restored", ExitCodes.Invalid);
        }
        return unpacked;
    }

    private static void CreatePrivateFolders(string root, string folder)
    {
        if (folder.Length <= root.Length || Directory.Exists(folder)) return;
        CreatePrivateFolders(root, Path.GetDirectoryName(folder)!);
        PrivateFiles.CreateFolder(folder);
    }

    /// <summary>The restored ledger's head is the manifest's, and its chain replays to that head's state root.</summary>
    private static async Task CheckLedgerAsync(string restored, BackupLedger expected, CancellationToken ct)
    {
        using var ledger = await DataFolder.OpenLedgerAsync(restored, ct);
        if (ledger.Head is not { } head || head.Height != expected.Height || head.Hash().ToString() != expected.Head)
            throw new CliException($"the backup is damaged: its ledger's head is not block {expected.Height} {expected.Head}; nothing was restored", ExitCodes.Invalid);
        var report = await ChainVerifyCommand.Checker().ReplayAsync(ledger.ReadBlocksAsync(ct: ct), ct: ct);
        if (!report.Valid || report.StateRoot.ToString() != expected.StateRoot)
            throw new CliException($"the backup is damaged: its ledger does not replay to the head's state root ({report.Reason ?? "another root"}); nothing was restored", ExitCodes.Invalid);
    }
}

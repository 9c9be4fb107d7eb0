using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CareLedger.Cli.Store;

/// <summary>
/// What a node backup holds (<c>manifest.json</c> at its root): every file with its size and SHA-256, and the ledger's
/// head at the moment of the backup (absent when the ledger is in PostgreSQL, which its DBA backs up).
/// </summary>
public sealed record BackupManifest(string Format, DateTimeOffset Created, BackupLedger? Ledger, IReadOnlyList<BackupFile> Files)
{
    public const string FileName = "manifest.json";
    public const string CurrentFormat = "careledger-node-backup/1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a backup's manifest; a missing, unreadable or foreign one is a one-line error.</summary>
    public static BackupManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new CliException($"{folder} is not a node backup: it has no {FileName}");
        BackupManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new CliException($"the backup is damaged: its {FileName} cannot be read ({e.Message}); nothing was restored", ExitCodes.Invalid); }
        if (manifest?.Files is null || manifest.Format != CurrentFormat)
            throw new CliException($"the backup's {FileName} is not a {CurrentFormat} manifest; nothing was restored", ExitCodes.Invalid);
        return manifest;
    }

    /// <summary>
    /// Checks every listed file against its size and hash, and that no path leaves the backup; the first difference is a
    /// one-line error. Nothing is written.
    /// </summary>
    public void Verify(string folder)
    {
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        foreach (var file in Files)
        {
            var path = Path.GetFullPath(Path.Combine(folder, file.Path));
            if (!path.StartsWith(root, StringComparison.Ordinal) || file.Path == FileName)
                throw new CliException($"the backup is damaged: its manifest names '{file.Path}', outside the backup; nothing was restored", ExitCodes.Invalid);
            if (!File.Exists(path))
                throw new CliException($"the backup is damaged: {file.Path} is missing; nothing was restored", ExitCodes.Invalid);
            if (new FileInfo(path).Length != file.Bytes || BackupFile.HashOf(path) != file.Sha256)
                throw new CliException($"the backup is damaged: {file.Path} does not match its hash in the manifest; nothing was restored", ExitCodes.Invalid);
        }
    }
}

/// <summary>The ledger in a backup: its head when the copy was taken.</summary>
public sealed record BackupLedger(ulong Height, string Head, string StateRoot);

/// <summary>One file of a backup, by its path relative to the data folder ('/'-separated).</summary>
public sealed record BackupFile(string Path, long Bytes, string Sha256)
{
    public static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

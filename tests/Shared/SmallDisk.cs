using System.Diagnostics;

namespace CareLedger.Testing;

/// <summary>
/// A size-limited tmpfs mounted for one test (<c>mount -t tmpfs -o size=…</c>, which needs root), so that a node's data
/// disk can really fill up. Unmounted when disposed.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private readonly TempFolder? _mountPoint;

    private SmallDisk(int megabytes, string? at)
    {
        if (at is null) _mountPoint = new TempFolder();
        Path = at ?? _mountPoint!.Path;
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0777", "tmpfs", Path);
    }

    public string Path { get; }

    /// <summary>Why a small disk cannot be mounted here (not root, no mount command), or null when it can.</summary>
    public static string? WhyNot() =>
        Environment.UserName != "root" ? "mounting a size-limited tmpfs needs root (CI runs as root)"
        : !File.Exists("/bin/mount") && !File.Exists("/usr/bin/mount") ? "no mount command on this machine"
        : null;

    /// <summary>A small disk on a folder of its own.</summary>
    public static SmallDisk Mount(int megabytes) => new(megabytes, null);

    /// <summary>A small disk mounted over <paramref name="folder"/> (whose files are hidden until it is unmounted).</summary>
    public static SmallDisk MountAt(string folder, int megabytes) => new(megabytes, folder);

    /// <summary>Writes <paramref name="name"/> until the disk refuses more; returns its path.</summary>
    public string Fill(string name = "filler")
    {
        var path = System.IO.Path.Combine(Path, name);
        var chunk = new byte[1024 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException) { }
        try
        {
            // The last partial chunk: fill to the last byte.
            while (true) file.Write(chunk, 0, 4096);
        }
        catch (IOException) { }
        return path;
    }

    private static void Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed: {errors.Trim()}");
    }

    public void Dispose()
    {
        try { Run("umount", Path); }
        catch (InvalidOperationException) { Run("umount", "-l", Path); }
        _mountPoint?.Dispose();
    }
}

/// <summary>A test on a size-limited tmpfs (<see cref="SmallDisk"/>), skipped with the reason where one cannot be mounted.</summary>
public sealed class SmallDiskFactAttribute : Xunit.FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.WhyNot() is { } reason) Skip = reason;
    }
}

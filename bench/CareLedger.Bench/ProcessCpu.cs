using System.Globalization;

namespace CareLedger.Bench;

/// <summary>CPU time of other processes and of the whole machine, from Linux's /proc.</summary>
public static class ProcessCpu
{
    /// <summary>Linux reports process times in clock ticks of 1/100 s (USER_HZ).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User plus system time of a process, or null if it is gone.</summary>
    public static TimeSpan? Used(int? pid)
    {
        if (pid is null) return null;
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((Ticks(fields[11]) + Ticks(fields[12])) / TicksPerSecond);
    }

    /// <summary>Busy and total CPU time of the whole machine, every process included, summed over cores.</summary>
    public static (TimeSpan Busy, TimeSpan Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(Ticks).ToArray();
        var idle = cpu[3] + cpu[4];
        var total = cpu.Sum();
        return (TimeSpan.FromSeconds((total - idle) / TicksPerSecond), TimeSpan.FromSeconds(total / TicksPerSecond));
    }

    /// <summary>The first process whose command line contains <paramref name="text"/>, e.g. a data folder.</summary>
    public static int? FindByCommandLine(string text)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(text, StringComparison.Ordinal)) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    private static long Ticks(string field) => long.Parse(field, CultureInfo.InvariantCulture);
}

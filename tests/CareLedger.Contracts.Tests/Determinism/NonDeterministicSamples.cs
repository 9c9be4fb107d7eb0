using System.Diagnostics;
using System.Net;

// Each type below breaks determinism in exactly one way; the guard must report each of them.
// They exist only to be scanned, never to be called.
namespace CareLedger.Contracts.Tests.Determinism.Samples;

internal static class ReadsUtcNow
{
    public static long Run() => DateTime.UtcNow.Ticks;
}

internal static class ReadsLocalNow
{
    public static long Run() => DateTime.Now.Ticks;
}

internal static class ReadsToday
{
    public static long Run() => DateTime.Today.Ticks;
}

internal static class ReadsOffsetNow
{
    public static long Run() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

internal static class MakesGuid
{
    public static string Run() => Guid.NewGuid().ToString();
}

internal static class DrawsRandom
{
    public static int Run() => new Random(42).Next();
}

internal static class TimesWithStopwatch
{
    public static long Run() => Stopwatch.GetTimestamp();
}

internal static class AsksTimeProvider
{
    public static long Run() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
}

internal static class ReadsEnvironment
{
    public static int Run() => Environment.ProcessorCount;
}

internal static class ReadsFile
{
    public static bool Run() => File.Exists("/etc/hostname");
}

internal static class UsesNetwork
{
    public static string Run() => IPAddress.Loopback.ToString();
}

internal static class StartsTask
{
    public static Task<int> Run() => Task.FromResult(1);
}

internal static class AsksThread
{
    public static int Run() => Environment.CurrentManagedThreadId + Thread.CurrentThread.ManagedThreadId;
}

internal static class EnumeratesDictionary
{
    public static long Run(Dictionary<string, long> balances)
    {
        long first = 0;
        foreach (var (_, amount) in balances) { first = amount; break; }
        return first;
    }
}

internal static class EnumeratesDictionaryKeys
{
    public static string Run(Dictionary<string, long> balances)
    {
        foreach (var key in balances.Keys) return key;
        return "";
    }
}

internal static class EnumeratesHashSet
{
    public static string Run(HashSet<string> members)
    {
        foreach (var member in members) return member;
        return "";
    }
}

internal static class HalvesWithDouble
{
    public static long Run(long amount) => (long)(amount * 0.5);
}

internal static class ConvertsToFloat
{
    public static long Run(long amount, long parts) => (long)((float)amount / parts);
}

internal static class StoresDouble
{
    private static readonly long[] Rates = [1];
    public static long Run(int i) => Rates[i];
    public static double Rate() => Rates[0];
}

internal static class LambdaReadsClock
{
    public static Func<long> Run() => () => DateTime.UtcNow.Ticks;
}

using System.Security.Cryptography;

namespace CareLedger.Cli.Services;

/// <summary>Slot times, amounts and ids as the services commands read and print them.</summary>
public static class ServiceTimes
{
    private const long MinuteMs = 60_000;

    /// <summary>A time as <see cref="LedgerTime.ParseUntil"/> reads it (a date, or a span such as 90m from now), rounded up to the whole minute.</summary>
    public static long SlotStart(string text, string option) =>
        (LedgerTime.ParseUntil(text, option, DateTimeOffset.UtcNow) + MinuteMs - 1) / MinuteMs * MinuteMs;

    public static string Minute(long unixMs) => LedgerTime.FormatUtc(unixMs)[..16];

    public static string Rating(long tenths, long count) => count == 0 ? "no ratings" : $"{tenths / 10}.{tenths % 10} ★ ({count})";

    /// <summary>A fresh id for a booking, referral or case: a prefix and 12 random hex digits.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>The SHA-256 of a file that stays with its owner: the ledger holds only the hash.</summary>
    public static string HashOfFile(string path, string option)
    {
        if (!File.Exists(path)) throw new CliException($"{option}: no file at {path}");
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

using System.Globalization;

namespace CareLedger.Cli;

/// <summary>Times as the ledger keeps them (Unix milliseconds) and as people write them.</summary>
public static class LedgerTime
{
    /// <summary>Accepts yyyy-MM-dd (midnight UTC), an ISO 8601 time (UTC unless it says otherwise), or Unix milliseconds.</summary>
    public static long Parse(string text, string option)
    {
        if (text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return ms;
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day) ||
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out day))
            return day.ToUnixTimeMilliseconds();
        throw new CliException($"{option}: '{text}' is not a date; use yyyy-MM-dd, an ISO 8601 time or Unix milliseconds");
    }

    /// <summary>A date as <see cref="Parse"/> reads it, or a span from <paramref name="now"/>: 90m, 12h, 30d or 2w.</summary>
    public static long ParseUntil(string text, string option, DateTimeOffset now)
    {
        if (text.Length > 1 && text[..^1].All(char.IsAsciiDigit) && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && MinutesPer(text[^1]) is { } unit)
        {
            var minutes = (double)n * unit;
            if (minutes > MaxSpanMinutes) throw new CliException($"{option}: '{text}' is more than a hundred years from now");
            return now.AddMinutes(minutes).ToUnixTimeMilliseconds();
        }
        try { return Parse(text, option); }
        catch (CliException) { throw new CliException($"{option}: '{text}' is neither a date (yyyy-MM-dd, ISO 8601) nor a span such as 90m, 12h, 30d or 2w"); }
    }

    private const double MaxSpanMinutes = 100 * 366 * 24 * 60;

    private static int? MinutesPer(char suffix) => suffix switch
    {
        'm' => 1,
        'h' => 60,
        'd' => 24 * 60,
        'w' => 7 * 24 * 60,
        _ => null,
    };

    public static string Format(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>For a table column whose header says the times are UTC.</summary>
    public static string FormatUtc(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}

namespace CareLedger.Portal.Records;

/// <summary>Whole days, as licences run: shown as the reader's culture writes a date, sent to the ledger as UTC milliseconds.</summary>
public static class Days
{
    public static string Show(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("d");

    /// <summary>The first millisecond of the day, in UTC.</summary>
    public static long StartOf(DateTime day) => new DateTimeOffset(day.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The last millisecond of the day, in UTC.</summary>
    public static long EndOf(DateTime day) => StartOf(day.AddDays(1)) - 1;
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace CareLedger.Node.Fhir;

/// <summary>
/// A FHIR date, dateTime or instant as the span of time it stands for, [Start, End): "2026" is the
/// whole year, "2026-11-20" the whole day. Dates without a time zone are taken as UTC.
/// </summary>
public readonly partial record struct DateRange(DateTimeOffset Start, DateTimeOffset End)
{
    [GeneratedRegex(@"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out DateRange range)
    {
        range = default;
        var m = Pattern().Match(text ?? "");
        if (!m.Success) return false;
        int Part(int group, int fallback) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : fallback;
        try
        {
            var offset = m.Groups[8].Success && m.Groups[8].Value != "Z" ? TimeSpan.Parse(m.Groups[8].Value.TrimStart('+'), CultureInfo.InvariantCulture) : TimeSpan.Zero;
            var start = new DateTimeOffset(Part(1, 1), Part(2, 1), Part(3, 1), Part(4, 0), Part(5, 0), Part(6, 0), offset);
            var end = m.Groups[7].Success ? Fraction(m.Groups[7].Value[1..], ref start)
                : m.Groups[6].Success ? start.AddSeconds(1)
                : m.Groups[4].Success ? start.AddMinutes(1)
                : m.Groups[3].Success ? start.AddDays(1)
                : m.Groups[2].Success ? start.AddMonths(1)
                : start.AddYears(1);
            range = new DateRange(start, end);
            return true;
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException or FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Adds a seconds fraction to <paramref name="start"/> exactly, in whole ticks (a double would make ".123" one tick
    /// short of 123 ms), and returns the end of the span its digits stand for: ".1" is a tenth of a second, ".123" a
    /// millisecond; digits past the tick (100 ns) are below what a time here can hold and only narrow the span to one tick.
    /// </summary>
    private static DateTimeOffset Fraction(string digits, ref DateTimeOffset start)
    {
        const int TickDigits = 7;
        var kept = digits.Length > TickDigits ? digits[..TickDigits] : digits;
        var ticks = long.Parse(kept.PadRight(TickDigits, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        var span = 1L;
        for (var i = kept.Length; i < TickDigits; i++) span *= 10;
        start = start.AddTicks(ticks);
        return start.AddTicks(span);
    }

    public bool Within(DateRange other) => Start >= other.Start && End <= other.End;
}

/// <summary>A date search value: a prefix and a range, matched as FHIR R4 search defines (§3.1.1.4.7).</summary>
public sealed record DateCriterion(string Prefix, DateRange Value)
{
    public static readonly IReadOnlyList<string> Prefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"];

    public static DateCriterion? Parse(string text)
    {
        if (text.Length == 0) return null;
        var prefix = text.Length > 2 && char.IsAsciiLetterLower(text[0]) ? text[..2] : "eq";
        if (!Prefixes.Contains(prefix)) return null;
        return DateRange.TryParse(char.IsAsciiLetterLower(text[0]) ? text[2..] : text, out var range) ? new(prefix, range) : null;
    }

    public bool Matches(DateRange target) => Prefix switch
    {
        "eq" => target.Within(Value),
        "ne" => !target.Within(Value),
        "gt" => target.End > Value.End,
        "lt" => target.Start < Value.Start,
        "ge" => target.End > Value.End || target.Within(Value),
        "le" => target.Start < Value.Start || target.Within(Value),
        "sa" => target.Start >= Value.End,
        "eb" => target.End <= Value.Start,
        _ => false,
    };
}

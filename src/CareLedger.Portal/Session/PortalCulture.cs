using System.Globalization;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Session;

/// <summary>
/// The person's language: the one they chose in the portal (kept in this browser), else their browser's, if the portal
/// speaks it, else English. Chosen once, before the first page renders, so that .NET loads that language's resources
/// with the app; switching reloads the page (the session survives a reload).
/// The portal runs without ICU's culture data (InvariantGlobalization: 141 KB less on the first load). Dates and numbers
/// still follow the person's language and region: their names and patterns come from the browser's Intl (start.js),
/// so "es-MX" writes 5/1/2026 and "en-US" 1/5/2026, as the browser itself would.
/// </summary>
public static class PortalCulture
{
    /// <summary>The languages the portal speaks, each named in itself for the switcher.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Offered = [("en", "English"), ("es", "Español")];

    public static bool IsEnglish => Current == "en";

    /// <summary>The two-letter code of the language in use, as <see cref="Offered"/> names it (the UI culture is that language alone).</summary>
    public static string Current => CultureInfo.CurrentUICulture.Name;

    public static async Task ApplyAsync(IJSRuntime js)
    {
        var culture = Choose(await js.InvokeAsync<string?>("careledgerCulture.wanted"));
        (await js.InvokeAsync<BrowserFormats>("careledgerCulture.formats", culture.Name)).ApplyTo(culture);
        // Words by language (Resources/Text.es.resx serves es-ES and es-MX alike); dates and numbers by language and region.
        var language = new CultureInfo(LanguageOf(culture.Name));
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = language;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = language;
        await js.InvokeVoidAsync("careledgerCulture.applied", culture.Name);
    }

    /// <summary>
    /// A culture the portal speaks for a wanted BCP 47 tag: "es-MX" stays es-MX (Mexican dates and numbers, Spanish
    /// words); a language the portal does not speak, or a tag that is not one, gives English.
    /// </summary>
    public static CultureInfo Choose(string? wanted)
    {
        try
        {
            var culture = new CultureInfo(string.IsNullOrWhiteSpace(wanted) ? "en" : wanted.Trim());
            return Offered.Any(o => o.Code == LanguageOf(culture.Name)) ? culture : new CultureInfo("en");
        }
        catch (CultureNotFoundException)
        {
            return new CultureInfo("en");
        }
    }

    private static string LanguageOf(string tag) => tag.Split('-')[0].ToLowerInvariant();

    /// <summary>Keeps <paramref name="code"/> as this browser's choice; the caller reloads the page to apply it.</summary>
    public static ValueTask ChooseAsync(IJSRuntime js, string code) => js.InvokeVoidAsync("careledgerCulture.choose", code);

    /// <summary>What start.js read from the browser's Intl for one culture.</summary>
    private sealed record BrowserFormats(string ShortDate, string LongDate, string ShortTime, string LongTime, string Am, string Pm,
        string[] Months, string[] MonthsShort, string[] Days, string[] DaysShort, string Decimal, string Group, string Minus)
    {
        public void ApplyTo(CultureInfo culture)
        {
            var dates = culture.DateTimeFormat;
            dates.MonthNames = dates.MonthGenitiveNames = [.. Months, ""];
            dates.AbbreviatedMonthNames = dates.AbbreviatedMonthGenitiveNames = [.. MonthsShort, ""];
            dates.DayNames = Days;
            dates.AbbreviatedDayNames = DaysShort;
            dates.ShortestDayNames = [.. DaysShort.Select(d => d.Length > 2 ? d[..2] : d)];
            dates.AMDesignator = Am;
            dates.PMDesignator = Pm;
            dates.ShortDatePattern = ShortDate;
            dates.LongDatePattern = LongDate;
            dates.ShortTimePattern = ShortTime;
            dates.LongTimePattern = LongTime;
            dates.FullDateTimePattern = LongDate + " " + LongTime;
            var numbers = culture.NumberFormat;
            numbers.NumberDecimalSeparator = numbers.CurrencyDecimalSeparator = numbers.PercentDecimalSeparator = Decimal;
            numbers.NumberGroupSeparator = numbers.CurrencyGroupSeparator = numbers.PercentGroupSeparator = Group;
            numbers.NegativeSign = Minus;
        }
    }
}

using System.Globalization;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Session;

/// <summary>
/// The person's language: the one they chose in the portal (kept in this browser), else their browser's, if the portal
/// speaks it, else English. Chosen once, before the first page renders, so that .NET loads that language's resources
/// with the app; switching reloads the page (the session survives a reload).
/// </summary>
public static class PortalCulture
{
    /// <summary>The languages the portal speaks, each named in itself for the switcher.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Offered = [("en", "English"), ("es", "Español")];

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>The two-letter code of the language in use, as <see cref="Offered"/> names it.</summary>
    public static string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;

    public static async Task ApplyAsync(IJSRuntime js)
    {
        var culture = Choose(await js.InvokeAsync<string?>("careledgerCulture.wanted"));
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        await js.InvokeVoidAsync("careledgerCulture.applied", culture.Name);
    }

    /// <summary>
    /// A culture the portal speaks for a wanted BCP 47 tag: "es-MX" stays es-MX (Mexican dates and numbers, Spanish
    /// words); a language the portal does not speak, or a tag .NET does not know, gives English.
    /// </summary>
    public static CultureInfo Choose(string? wanted)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(string.IsNullOrWhiteSpace(wanted) ? "en" : wanted.Trim());
            return Offered.Any(o => o.Code == culture.TwoLetterISOLanguageName) ? culture : CultureInfo.GetCultureInfo("en");
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.GetCultureInfo("en");
        }
    }

    /// <summary>Keeps <paramref name="code"/> as this browser's choice; the caller reloads the page to apply it.</summary>
    public static ValueTask ChooseAsync(IJSRuntime js, string code) => js.InvokeVoidAsync("careledgerCulture.choose", code);
}

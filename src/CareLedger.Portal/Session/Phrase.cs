using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace CareLedger.Portal.Session;

/// <summary>
/// A translated sentence with emphasised parts, kept whole so that a translation may reorder them:
/// <c>@Phrase.Html(L["{0} records."], Phrase.Strong(count, "record-count"))</c>. The sentence and plain values are
/// HTML-encoded; only the parts made here are markup.
/// </summary>
public static class Phrase
{
    public static MarkupString Html(LocalizedString format, params object?[] parts) =>
        new(string.Format(CultureInfo.CurrentCulture, WebUtility.HtmlEncode(format.Value),
            [.. parts.Select(p => p is MarkupString m ? m.Value : WebUtility.HtmlEncode(Convert.ToString(p, CultureInfo.CurrentCulture) ?? ""))]));

    /// <summary>
    /// <paramref name="text"/> with a capital first letter, in the person's culture: a word the portal also uses inside
    /// sentences ("accepted") as a status of its own ("Accepted"). Resource names ignore case, so one key serves both.
    /// </summary>
    public static string Capitalized(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.CurrentCulture) + text[1..];

    /// <summary><paramref name="text"/> with a small first letter, in the person's culture, to go inside a sentence.</summary>
    public static string LowerFirst(string text) =>
        text.Length == 0 ? text : char.ToLower(text[0], CultureInfo.CurrentCulture) + text[1..];

    /// <summary><paramref name="value"/> in <c>strong</c>, with a test id when given.</summary>
    public static MarkupString Strong(object? value, string? testId = null) =>
        new($"<strong{(testId is null ? "" : $" data-testid=\"{WebUtility.HtmlEncode(testId)}\"")}>{WebUtility.HtmlEncode(Convert.ToString(value, CultureInfo.CurrentCulture) ?? "")}</strong>");
}

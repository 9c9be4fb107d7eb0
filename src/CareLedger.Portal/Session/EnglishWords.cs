using System.Globalization;
using Microsoft.Extensions.Localization;

namespace CareLedger.Portal.Session;

/// <summary>
/// The portal's English as a localizer: each key is its own text. For the helpers' older overloads (Records/*.cs,
/// <see cref="Sentences"/>) that a page calls without its <c>L</c>; such a page reads English in any language.
/// </summary>
public sealed class EnglishWords : IStringLocalizer
{
    public static readonly EnglishWords Instance = new();

    public LocalizedString this[string name] => new(name, name, resourceNotFound: false);

    public LocalizedString this[string name, params object[] arguments] =>
        new(name, string.Format(CultureInfo.CurrentCulture, name, arguments), resourceNotFound: false);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
}

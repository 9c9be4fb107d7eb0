using Microsoft.Extensions.Localization;

namespace CareLedger.Portal.Session;

/// <summary>
/// The localizer every component gets as <c>L</c> (_Imports.razor): .NET's resource localizer for <see cref="Text"/>,
/// which also writes "[i18n] missing: …" to the browser's console when a page asks for a phrase that the person's
/// language has no translation of. The Spanish browser test fails on any such line.
/// </summary>
public sealed class PortalWords(IStringLocalizerFactory factory) : IStringLocalizer<Text>
{
    private readonly IStringLocalizer _words = factory.Create(typeof(Text));

    public LocalizedString this[string name] => Reported(_words[name]);

    public LocalizedString this[string name, params object[] arguments] => Reported(_words[name, arguments]);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => _words.GetAllStrings(includeParentCultures);

    /// <summary>
    /// <paramref name="text"/> in the person's language when the portal has it, else as it is, without a report: for
    /// sentences that may come from the node (a refusal's reason is in English) as well as from the portal.
    /// </summary>
    public string IfKnown(string text)
    {
        var phrase = _words[text];
        return phrase.ResourceNotFound ? text : phrase.Value;
    }

    private static LocalizedString Reported(LocalizedString phrase)
    {
        if (phrase.ResourceNotFound && !PortalCulture.IsEnglish) Console.WriteLine($"[i18n] missing: {phrase.Name}");
        return phrase;
    }
}

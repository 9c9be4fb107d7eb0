namespace CareLedger.Portal;

/// <summary>
/// The portal's words. Markup writes the English as the key, <c>@L["My records"]</c>, and the translations are in
/// Resources/Text.{culture}.resx, keyed by that English. English needs no resource file: a key without a translation
/// is shown as itself (and reported, see <see cref="Session.PortalWords"/>).
/// </summary>
public sealed class Text;

using System.Text.RegularExpressions;
using System.Xml.Linq;
using CareLedger.Testing;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The portal's phrases in its source: every <c>L["…"]</c> the markup and code ask for has a Spanish translation in
/// Resources/Text.es.resx, with the same placeholders. Fast, and names the phrase that is missing.
/// </summary>
public sealed partial class PortalTextTests
{
    private static readonly string Portal = Path.Combine(NodeProcess.RepoRoot, "src", "CareLedger.Portal");

    [GeneratedRegex("""\bL\["((?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex Phrase();

    private static IReadOnlySet<string> PhrasesInTheSource() =>
        Directory.EnumerateFiles(Portal, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Phrase().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value)))
            .ToHashSet(StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> Spanish() =>
        XDocument.Load(Path.Combine(Portal, "Resources", "Text.es.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);

    [Fact]
    public void EveryPhraseThePortalAsksFor_HasASpanishTranslation()
    {
        var phrases = PhrasesInTheSource();
        Assert.True(phrases.Count > 30, $"only {phrases.Count} phrases found: is the pattern still right?");
        var missing = phrases.Where(p => !Spanish().ContainsKey(p)).Order().ToList();
        Assert.True(missing.Count == 0, "no Spanish for:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryTranslation_KeepsTheFormatPlaceholdersOfItsPhrase()
    {
        var wrong = Spanish().Where(t => Placeholders(t.Key) != Placeholders(t.Value)).Select(t => $"{t.Key} → {t.Value}").ToList();
        Assert.True(wrong.Count == 0, "placeholders differ:\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// .NET's resource names ignore case: "Open" and "open" would be one resource (the build drops the second with a
    /// warning), so a phrase that differs from another only in case gets the other's translation.
    /// </summary>
    [Fact]
    public void NoTwoPhrases_DifferOnlyInCase()
    {
        var clashes = PhrasesInTheSource().Concat(Spanish().Keys).Distinct(StringComparer.Ordinal)
            .GroupBy(p => p, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g)).ToList();
        Assert.True(clashes.Count == 0, "phrases that differ only in case:\n" + string.Join("\n", clashes));
    }

    private static string Placeholders(string text) => string.Join(",", Regex.Matches(text, @"\{\d+[^}]*\}").Select(m => m.Value).Order());
}

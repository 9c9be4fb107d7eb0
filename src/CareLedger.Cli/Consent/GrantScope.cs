namespace CareLedger.Cli.Consent;

/// <summary>What a grant covers, in a few words.</summary>
public static class GrantScope
{
    public static string Describe(IEnumerable<string> records, IEnumerable<string> types)
    {
        var parts = records.Select(r => $"record {r}").Concat(types.Select(t => $"every {t}")).ToList();
        return string.Join(", ", parts);
    }
}

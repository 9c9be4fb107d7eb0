using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

public static class Issues
{
    /// <summary>The human-readable text of every issue of the OperationOutcome a refusal carried.</summary>
    public static string Text(FhirOperationException e) =>
        string.Join(" | ", e.Outcome?.Issue.Select(i => i.Details?.Text ?? i.Diagnostics) ?? ["(no OperationOutcome)"]);

    public static IReadOnlyList<string> MatchIds(Bundle bundle) =>
        bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource!.Id!).Order().ToList();
}

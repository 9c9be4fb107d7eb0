using CareLedger.Ledger.Cryptography;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// A record search: whose records (the ledger knows each record's patient) and filters evaluated on
/// the decrypted resource with the FHIRPath the R4 specification gives for its code and date
/// parameters. Parameters this server does not evaluate are refused rather than ignored, so a
/// search never returns, and decrypts, more than was asked for.
/// </summary>
public sealed class SearchCriteria
{
    private readonly List<Func<Resource, bool>> _filters = [];

    private SearchCriteria(AccountId patient) => Patient = patient;

    public AccountId Patient { get; }

    /// <summary>How many matches a page holds (<c>_count</c>).</summary>
    public int Count { get; private init; } = SearchPaging.DefaultCount;

    /// <summary>Where this page starts (<c>ct</c>, from a previous page's next link), or null for the first page.</summary>
    public string? After { get; private init; }

    public bool Matches(Resource resource) => _filters.All(f => f(resource));

    /// <summary>The spec's definition of a parameter on a type, when it has one (Condition has no "date", Patient no "code").</summary>
    public static SearchParamDefinition? Definition(string type, string name) =>
        ModelInfo.SearchParameters.FirstOrDefault(p => p.Resource == type && p.Name == name);

    public static IEnumerable<string> Supported(string type) => new[] { "patient", "code", "date" }.Where(n => n == "patient" || Definition(type, n) is not null);

    public static (SearchCriteria? Criteria, FhirResult? Invalid) Parse(string type, IQueryCollection query)
    {
        AccountId? patient = null;
        var (count, after) = (SearchPaging.DefaultCount, (string?)null);
        var filters = new List<Func<Resource, bool>>();
        foreach (var (name, values) in query)
        {
            if (name == "_format") continue;
            foreach (var value in values.OfType<string>())
            {
                if (name == "_count")
                {
                    if (!int.TryParse(value, out count) || count is < 1 or > Ledger.Runtime.QueryPaging.MaxLimit)
                        return Bad($"_count must be a whole number from 1 to {Ledger.Runtime.QueryPaging.MaxLimit}; '{value}' is not.");
                }
                else if (name == "ct") after = value;
                else if (name is "patient" or "subject")
                {
                    if (!RecordResources.TryParsePatient(value, out var account)) return Bad($"'{value}' is not a patient: {RecordResources.PatientMapping}");
                    if (patient is { } other && other != account) return Bad("Search one patient at a time.");
                    patient = account;
                }
                else if (name is "code" && Definition(type, name) is { } code)
                {
                    var tokens = value.Split(',').Select(TokenCriterion.Parse).ToList();
                    filters.Add(r => r.Select(code.Expression!).Any(v => v is not null && tokens.Any(t => t.Matches(v))));
                }
                else if (name is "date" && Definition(type, name) is { } date)
                {
                    var criteria = value.Split(',').Select(DateCriterion.Parse).ToList();
                    if (criteria.Any(c => c is null))
                        return Bad($"'{value}' is not a date search value: [prefix]YYYY[-MM[-DD[Thh:mm[:ss][zone]]]], prefixes {string.Join(", ", DateCriterion.Prefixes)}.");
                    filters.Add(r => r.Select(date.Expression!).Select(Range).Any(d => d is { } range && criteria.Any(c => c!.Matches(range))));
                }
                else return Bad($"This server does not support the search parameter '{name}' on {type}; it supports {string.Join(", ", Supported(type))}.");
            }
        }
        if (patient is null) return Bad($"Name the patient: {type}?patient={{accountId}}. {RecordResources.PatientMapping}");
        var result = new SearchCriteria(patient.Value) { Count = count, After = after };
        result._filters.AddRange(filters);
        return (result, null);
    }

    private static (SearchCriteria?, FhirResult?) Bad(string message) => (null, Outcomes.BadRequest(message));

    private static DateRange? Range(Base? value) => value switch
    {
        FhirDateTime d => DateRange.TryParse(d.Value, out var r) ? r : null,
        Date d => DateRange.TryParse(d.Value, out var r) ? r : null,
        Instant { Value: { } i } => new DateRange(i, i.AddMilliseconds(1)),
        Period p => new DateRange(
            DateRange.TryParse(p.Start, out var s) ? s.Start : DateTimeOffset.MinValue,
            DateRange.TryParse(p.End, out var e) ? e.End : DateTimeOffset.MaxValue),
        _ => null,
    };
}

/// <summary>A token search value: "code", "system|code", "|code" (no system) or "system|" (any code of the system).</summary>
public sealed record TokenCriterion(string? System, string? Code)
{
    public static TokenCriterion Parse(string text)
    {
        var bar = text.IndexOf('|');
        if (bar < 0) return new(null, text);
        var code = text[(bar + 1)..];
        return new(text[..bar], code.Length == 0 ? null : code);
    }

    public bool Matches(Base value) => value switch
    {
        CodeableConcept concept => concept.Coding.Any(c => Matches(c.System, c.Code)),
        Coding coding => Matches(coding.System, coding.Code),
        Identifier id => Matches(id.System, id.Value),
        PrimitiveType { JsonValue: string code } => System is null or "" && Matches(null, code),
        _ => false,
    };

    private bool Matches(string? system, string? code) =>
        (System is null || System == (system ?? "")) && (Code is null || Code == code);
}

using CareLedger.Ledger.Cryptography;
using Hl7.Fhir.FhirPath;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Primitives;

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
    private readonly List<List<DateCriterion>> _lastUpdated = [];

    private SearchCriteria(AccountId patient) => Patient = patient;

    public AccountId Patient { get; }

    /// <summary>How many matches a page holds (<c>_count</c>).</summary>
    public int Count { get; private set; } = SearchPaging.DefaultCount;

    /// <summary>Where this page starts (<c>ct</c>, from a previous page's next link), or null for the first page.</summary>
    public string? After { get; private set; }

    /// <summary>The references to add to the page as included resources (<c>_include</c>).</summary>
    public IReadOnlyList<Include> Includes { get; private init; } = [];

    /// <summary>The same search from another place, for another number of matches.</summary>
    public SearchCriteria Continue(string? after, int count)
    {
        var copy = (SearchCriteria)MemberwiseClone();
        copy.After = after;
        copy.Count = count;
        return copy;
    }

    public bool Matches(Resource resource) => _filters.All(f => f(resource));

    /// <summary>
    /// <c>_lastUpdated</c> against a version's block time, known from the ledger before anything is decrypted,
    /// so records it rules out are not read (nor logged).
    /// </summary>
    public bool UpdatedMatches(long unixMilliseconds)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
        var version = new DateRange(time, time.AddMilliseconds(1));
        return _lastUpdated.All(any => any.Any(c => c.Matches(version)));
    }

    /// <summary>The spec's definition of a parameter on a type, when it has one (Condition has no "date", Patient no "code").</summary>
    public static SearchParamDefinition? Definition(string type, string name) =>
        ModelInfo.SearchParameters.FirstOrDefault(p => p.Resource == type && p.Name == name);

    /// <summary>The search parameters a type supports: patient, code, date and, on records, identifier and _lastUpdated.</summary>
    public static IEnumerable<string> Supported(string type)
    {
        var record = FhirResources.RecordTypes.Contains(type);
        return new[] { "patient", "code", "date", "identifier", "_lastUpdated" }.Where(n =>
            n == "patient" || (n == "_lastUpdated" ? record : Definition(type, n) is not null && (n != "identifier" || record)));
    }

    /// <summary>The <c>_include</c> values a record type supports: its reference parameters that can point at a record or at the patient.</summary>
    public static IEnumerable<SearchParamDefinition> Includable(string type) =>
        !FhirResources.RecordTypes.Contains(type) ? [] : ModelInfo.SearchParameters.Where(p =>
            p.Resource == type && p.Type == SearchParamType.Reference && p.Expression is not null
            && (p.Target ?? []).Any(t => FhirResources.RecordTypes.Contains(t.ToString())));

    /// <param name="type">The resource type searched.</param>
    /// <param name="query">The search parameters (a query string, or an If-None-Exist header's).</param>
    /// <param name="compartment">The patient of a compartment search (Patient/{id}/{type}); a patient parameter must then name the same.</param>
    public static (SearchCriteria? Criteria, FhirResult? Invalid) Parse(string type, IEnumerable<KeyValuePair<string, StringValues>> query, AccountId? compartment = null)
    {
        AccountId? patient = compartment;
        var (count, after) = (SearchPaging.DefaultCount, (string?)null);
        var filters = new List<Func<Resource, bool>>();
        var lastUpdated = new List<List<DateCriterion>>();
        var includes = new List<Include>();
        var record = FhirResources.RecordTypes.Contains(type);
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
                else if (name is "code" or "identifier" && Supported(type).Contains(name) && Definition(type, name) is { } token)
                {
                    var tokens = value.Split(',').Select(TokenCriterion.Parse).ToList();
                    filters.Add(r => r.Select(token.Expression!).Any(v => v is not null && tokens.Any(t => t.Matches(v))));
                }
                else if (name is "date" or "_lastUpdated" && Supported(type).Contains(name))
                {
                    var criteria = value.Split(',').Select(DateCriterion.Parse).ToList();
                    if (criteria.Any(c => c is null))
                        return Bad($"'{value}' is not a {name} search value: [prefix]YYYY[-MM[-DD[Thh:mm[:ss][zone]]]], prefixes {string.Join(", ", DateCriterion.Prefixes)}.");
                    if (name == "_lastUpdated")
                    {
                        // Repeated parameters must all hold (a range: ge…&lt…); a comma list is an "or" of its values.
                        lastUpdated.Add([.. criteria.Select(c => c!)]);
                        continue;
                    }
                    var date = Definition(type, name)!;
                    filters.Add(r => r.Select(date.Expression!).Select(Range).Any(d => d is { } range && criteria.Any(c => c!.Matches(range))));
                }
                else if (name == "_include" && record)
                {
                    if (Include.Parse(type, value) is not { } include)
                        return Bad($"_include={value} is not supported on {type}; it supports {string.Join(", ", Includable(type).Select(p => $"{type}:{p.Name}"))}.");
                    includes.Add(include);
                }
                else return Bad($"This server does not support the search parameter '{name}' on {type}; it supports {string.Join(", ", Supported(type).Concat(record ? ["_include"] : []))}.");
            }
        }
        if (patient is null) return Bad($"Name the patient: {type}?patient={{accountId}}. {RecordResources.PatientMapping}");
        var result = new SearchCriteria(patient.Value) { Count = count, After = after, Includes = includes };
        result._filters.AddRange(filters);
        result._lastUpdated.AddRange(lastUpdated);
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

/// <summary>
/// One <c>_include</c>: "Type:param" or "Type:param:TargetType", a reference search parameter of the searched type whose
/// references are resolved to records. A reference to Patient/{accountId} (the patient, a ledger account) resolves to
/// that patient's Patient records.
/// </summary>
public sealed partial record Include(SearchParamDefinition Parameter, string? Target)
{
    public static Include? Parse(string type, string value)
    {
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0] != type) return null;
        if (SearchCriteria.Includable(type).FirstOrDefault(p => p.Name == parts[1]) is not { } parameter) return null;
        var target = parts.Length == 3 ? parts[2] : null;
        if (target is not null && !(parameter.Target ?? []).Any(t => t.ToString() == target && FhirResources.RecordTypes.Contains(target))) return null;
        return new Include(parameter, target);
    }

    /// <summary>
    /// The parameter's FHIRPath without its "where(resolve() is Type)" parts, which need a resolver; the reference's own
    /// type, checked against the parameter's targets, says the same.
    /// </summary>
    private string Expression => ResolveIs().Replace(Parameter.Expression!, "");

    [System.Text.RegularExpressions.GeneratedRegex(@"\.where\(resolve\(\) is [A-Za-z]+\)")]
    private static partial System.Text.RegularExpressions.Regex ResolveIs();

    /// <summary>
    /// The references of this parameter in a resource to this server, as (type, id): relative ones, and absolute ones
    /// under <paramref name="baseUrl"/> (a reference to another server names nothing here).
    /// </summary>
    public IEnumerable<(string Type, string Id)> References(Resource resource, string baseUrl)
    {
        var targets = (Parameter.Target ?? []).Select(t => t.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var value in resource.Select(Expression))
        {
            if (value is not ResourceReference { Reference: { } reference }) continue;
            if (reference.Contains("://", StringComparison.Ordinal))
            {
                if (!reference.StartsWith(baseUrl + "/", StringComparison.OrdinalIgnoreCase)) continue;
                reference = reference[(baseUrl.Length + 1)..];
            }
            var (type, id) = reference.Split('/') switch
            {
                [var t, var i] => (t, i),
                [var t, var i, "_history", _] => (t, i),
                _ => ("", ""),
            };
            if (FhirResources.RecordTypes.Contains(type) && targets.Contains(type) && (Target is null || Target == type)) yield return (type, id);
        }
    }
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

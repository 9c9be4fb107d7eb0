using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Extensions;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Paging of searches: <c>_count</c> matches a page (1 to 1,000; 100 when left out) and <c>ct</c>, the continuation a
/// Bundle's <c>next</c> link carries. A page examines at most one page of the ledger's index, so no search does work
/// that grows with the patient's history; <c>total</c> is given only when the answer is complete in one page.
/// </summary>
public static class SearchPaging
{
    public const int DefaultCount = 100;

    /// <summary>The matches among the index entries after <see cref="SearchCriteria.After"/>, and where the next page starts ("" when none).</summary>
    public static (List<Resource> Matches, string Next) Collect<T>(ContractState state, StatePrefix<T> prefix, SearchCriteria criteria,
        Func<string, T, Resource?> resource) where T : class, ICborRecord<T>
    {
        var (page, next) = QueryPaging.Read(state, prefix, criteria.After, QueryPaging.MaxLimit);
        var matches = new List<Resource>();
        foreach (var (key, value) in page)
        {
            if (resource(key, value) is not { } found || !criteria.Matches(found)) continue;
            matches.Add(found);
            if (matches.Count == criteria.Count) return (matches, key[prefix.Value.Length..]);
        }
        return (matches, next);
    }

    /// <summary>Adds the matches to the bundle, and a next link when more may follow; otherwise the total.</summary>
    public static void Fill(Bundle bundle, HttpRequest request, IEnumerable<Resource> matches, string next)
    {
        foreach (var match in matches) bundle.Entry.Add(FhirApi.Match(request, match));
        if (next.Length == 0)
        {
            bundle.Total = bundle.Entry.Count;
            return;
        }
        var query = new QueryBuilder(request.Query.Where(p => p.Key != "ct").SelectMany(p => p.Value.OfType<string>().Select(v => KeyValuePair.Create(p.Key, v))))
        {
            { "ct", next },
        };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{query.ToQueryString()}" });
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CareLedger.Contracts;
using CareLedger.Ledger.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>
/// Cursor paging of a list endpoint: <c>limit</c> (1 to 1,000; 1,000 when left out) and <c>after</c>, the id of the last item
/// the previous page read, which its <c>Link: &lt;…&gt;; rel="next"</c> header carries. A page reads at most its limit of
/// index entries, so a page may hold fewer items than the limit (those the filter kept) while a next link says more follow.
/// </summary>
public readonly record struct ListPage(int Limit, string? After)
{
    /// <summary>The page the query asks for, or a problem naming what is wrong with <paramref name="limit"/> or <paramref name="after"/>.</summary>
    public static bool TryRead(string? limit, string? after, [NotNullWhen(false)] out ProblemHttpResult? problem, out ListPage page)
    {
        var size = QueryPaging.MaxLimit;
        var validLimit = string.IsNullOrEmpty(limit)
            || (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= QueryPaging.MaxLimit);
        page = new(validLimit ? size : QueryPaging.MaxLimit, string.IsNullOrEmpty(after) ? null : after);
        problem = !validLimit
            ? Problems.Bad("Bad limit", $"limit is a whole number of items from 1 to {QueryPaging.MaxLimit}, not '{limit}'.")
            : page.After is { } cursor && !CallerIds.IsValid(cursor)
                ? Problems.Bad("Bad cursor", "after is the cursor a next link gave: an id of 1-64 lowercase letters, digits or hyphens.")
                : null;
        return problem is null;
    }

    /// <summary>The contract query's paging arguments for this page.</summary>
    public void AddTo(Ledger.Encoding.CborMap args)
    {
        args["limit"] = (long)Limit;
        if (After is { } after) args["after"] = after;
    }

    /// <summary>Addresses the page after this one in a <c>Link</c> header, when <paramref name="next"/> (the index's cursor) says there is one.</summary>
    public void LinkNext(HttpResponse response, string pathAndQuery, string next)
    {
        if (next.Length == 0) return;
        response.Headers.Link = $"<{pathAndQuery}&limit={Limit}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
    }
}

using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

/// <summary>A list query's answer: one page of items and the cursor of the next page, "" on the last.</summary>
public interface IQueryPage<out T>
{
    IReadOnlyList<T> Items { get; }

    /// <summary>What to pass as the query's <c>after</c> argument for the next page; "" when this page is the last.</summary>
    string Next { get; }
}

/// <summary>
/// Paging for list queries: optional <c>limit</c> (1 to 1,000; 1,000 when left out) and <c>after</c> (a previous page's
/// <c>next</c>). A page reads at most its limit of index entries, so no query does work that grows with the list.
/// </summary>
public static class QueryPaging
{
    public const int MaxLimit = 1_000;

    public static IReadOnlyList<ArgSpec> Args { get; } = [new("limit", ArgKind.Integer, Optional: true), new("after", ArgKind.Text, Optional: true)];

    /// <summary>The page of <paramref name="prefix"/> the arguments ask for, and its next cursor (the last key, less the prefix).</summary>
    public static (IReadOnlyList<(string Key, T Value)> Entries, string Next) Read<T>(ContractState state, StatePrefix<T> prefix, CborMap args)
        where T : class, ICborRecord<T> => Read(state, prefix, args.TryGetText("after"), args.TryGetInt("limit"));

    /// <summary>The page after the cursor <paramref name="after"/> (null: the first), of <paramref name="limit"/> entries (1 to 1,000; 1,000 when null).</summary>
    public static (IReadOnlyList<(string Key, T Value)> Entries, string Next) Read<T>(ContractState state, StatePrefix<T> prefix, string? after, long? limit)
        where T : class, ICborRecord<T>
    {
        var size = (int)Math.Clamp(limit ?? MaxLimit, 1, MaxLimit);
        var page = state.Scan(prefix, string.IsNullOrEmpty(after) ? null : prefix.Value + after, size);
        return (page, page.Count == size ? page[^1].Key[prefix.Value.Length..] : "");
    }
}

using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

public enum ArgKind { Text, Integer, Boolean, Bytes, List, Map, Account }

/// <summary>One argument an action takes: its name, its shape, and whether it may be left out.</summary>
public sealed record ArgSpec(string Name, ArgKind Kind, bool Optional = false)
{
    public string? Check(CborMap args)
    {
        if (!args.TryGetValue(Name, out var value)) return Optional ? null : $"argument '{Name}' is missing";
        var ok = Kind switch
        {
            ArgKind.Text => value is string s && s.Length > 0 && s.Length <= 4096,
            ArgKind.Integer => value is long,
            ArgKind.Boolean => value is bool,
            ArgKind.Bytes => value is byte[],
            ArgKind.List => value is IReadOnlyList<object>,
            ArgKind.Map => value is CborMap,
            // Only the canonical lowercase form, so one account can never appear under two spellings.
            ArgKind.Account => value is string a && Cryptography.AccountId.TryParse(a, out var id) && id.ToString() == a,
            _ => false,
        };
        return ok ? null : $"argument '{Name}' must be {Describe(Kind)}";
    }

    private static string Describe(ArgKind kind) => kind switch
    {
        ArgKind.Text => "non-empty text (at most 4096 characters)",
        ArgKind.Integer => "a whole number",
        ArgKind.Boolean => "true or false",
        ArgKind.Bytes => "a byte string",
        ArgKind.List => "a list",
        ArgKind.Map => "a map",
        ArgKind.Account => "an account id (64 lowercase hex characters)",
        _ => kind.ToString(),
    };
}

/// <summary>
/// An action a contract offers: its argument shapes, who may call it (described for people and
/// checked by <see cref="Authorize"/>), and the state change itself.
/// </summary>
public sealed record ContractAction(
    string Name,
    IReadOnlyList<ArgSpec> Args,
    string Callers,
    Func<ContractContext, Outcome> Authorize,
    Func<ContractContext, CborMap, Outcome> Handle)
{
    public string? CheckArgs(CborMap args)
    {
        // Counting the known arguments present spares a walk over the map's keys unless one is unknown.
        if (Args.Count(a => args.ContainsKey(a.Name)) != args.Count)
            return $"unknown argument '{args.Keys.First(key => !Args.Any(a => a.Name == key))}'";
        foreach (var spec in Args)
            if (spec.Check(args) is { } error) return error;
        return null;
    }
}

/// <summary>
/// A read-only question a contract answers from state, as of a block time, and who may have the answer over the API
/// (<see cref="Audiences"/>; the node's own services ask without one).
/// </summary>
public sealed record ContractQuery(string Name, IReadOnlyList<ArgSpec> Args, Func<QueryContext, CborMap, CborMap> Answer, QueryAudience Audience)
{
    /// <summary>A query whose answer is a record, encoded by the record's own codec so that its readers can decode it into the same type.</summary>
    public static ContractQuery Of<T>(string name, IReadOnlyList<ArgSpec> args, QueryAudience audience, Func<QueryContext, CborMap, T> answer) where T : ICborRecord<T> =>
        new(name, args, (q, a) => answer(q, a).ToCbor(), audience);
}

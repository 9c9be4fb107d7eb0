using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// Who asks a contract query over the API: their account when the request was signed, their role and organisation when
/// they are a member, and whether they oversee the chain (a validator's node key, or an auditor; never a mere service
/// account). The node works this out from the signed request; a contract only judges it.
/// </summary>
public sealed record Asker(AccountId? Account, string? Role, string? Organisation, bool Oversees)
{
    public static readonly Asker Anonymous = new(null, null, null, false);

    /// <summary>Whether the asker signed as this account (given as its id text, as arguments carry it).</summary>
    public bool Is(string? account) => Account is { } mine && account is not null && AccountId.TryParse(account, out var other) && other == mine;

    public bool Is(AccountId account) => Account == account;
}

/// <summary>Whether an asker may have a query's answer, given the query's arguments and the state it is asked about.</summary>
public delegate bool QueryAudience(QueryContext query, CborMap args, Asker asker);

/// <summary>The audiences a query names. A query that names none answers only those who oversee the chain: private by default.</summary>
public static class Audiences
{
    /// <summary>Anyone, signed or not: organisations, licences, practitioners' public profiles, terms.</summary>
    public static readonly QueryAudience Public = (_, _, _) => true;

    /// <summary>Validators' nodes and auditors only.</summary>
    public static readonly QueryAudience Oversight = (_, _, asker) => asker.Oversees;

    /// <summary>The account an argument names (a patient asking about themselves), or oversight.</summary>
    public static QueryAudience Self(string arg) => (_, args, asker) => asker.Oversees || asker.Is(args.TryGetText(arg));

    /// <summary>Members of the organisation an argument names, or oversight.</summary>
    public static QueryAudience StaffOf(string arg) => (_, args, asker) =>
        asker.Oversees || (asker.Organisation is { } org && org == args.TryGetText(arg) && asker.Role != "patient");

    /// <summary>Any of these audiences.</summary>
    public static QueryAudience Either(params QueryAudience[] audiences) => (q, args, asker) => audiences.Any(a => a(q, args, asker));
}

using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Contracts.Membership;

/// <summary>A consortium member as recorded on the ledger.</summary>
public sealed record Member(AccountId Account, string Organisation, string Role, string Name);

/// <summary>An organisation of the consortium.</summary>
public sealed record Organisation(string Id, string Name, string Kind);

/// <summary>Reads membership records; shared by every contract that asks "who is this?".</summary>
public static class Members
{
    public const string MemberPrefix = "membership/member/";
    public const string OrganisationPrefix = "membership/org/";

    public static Member? FindMember(ContractState state, AccountId account) =>
        state.Get(MemberPrefix + account) is { } m ? ToMember(account, m) : null;

    public static Organisation? FindOrganisation(ContractState state, string id) =>
        state.Get(OrganisationPrefix + id) is { } o ? ToOrganisation(o) : null;

    /// <summary>The sender policy of a permissioned chain: only registered members transact.</summary>
    public static string? RequireMember(IStateReader state, AccountId sender) =>
        state.Get(MemberPrefix + sender) is null ? $"account {sender} is not a member of the consortium" : null;

    /// <summary>Authorises callers who are admins of an organisation of the given kind (any kind when null).</summary>
    public static Func<ContractContext, Outcome> AdminOf(string? kind) => ctx =>
    {
        var member = FindMember(ctx.State, ctx.Sender);
        if (member is null || member.Role != Roles.Admin) return Outcome.Fail("only an organisation admin may do this");
        if (kind is null) return Outcome.Ok;
        var org = FindOrganisation(ctx.State, member.Organisation);
        return org?.Kind == kind ? Outcome.Ok : Outcome.Fail($"only an admin of a {kind} organisation may do this");
    };

    /// <summary>Authorises callers who hold the given role in any organisation.</summary>
    public static Func<ContractContext, Outcome> WithRole(string role) => ctx =>
        FindMember(ctx.State, ctx.Sender)?.Role == role ? Outcome.Ok : Outcome.Fail($"only a {role} may do this");

    public static Outcome AnyMember(ContractContext ctx) =>
        FindMember(ctx.State, ctx.Sender) is null ? Outcome.Fail("only consortium members may do this") : Outcome.Ok;

    internal static Member ToMember(AccountId account, CborMap m) => new(account, m.GetText("org"), m.GetText("role"), m.TryGetText("name") ?? "");

    internal static Organisation ToOrganisation(CborMap o) => new(o.GetText("id"), o.GetText("name"), o.GetText("kind"));

    internal static CborMap Record(Member m) => new() { ["org"] = m.Organisation, ["role"] = m.Role, ["name"] = m.Name };
}

using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Contracts.Membership;

/// <summary>Reads membership records; shared by every contract that asks "who is this?".</summary>
public static class Members
{
    /// <summary>For callers not yet converted to <see cref="Member.Key"/>.</summary>
    public const string MemberPrefix = Member.KeyPrefix;
    /// <summary>For callers not yet converted to <see cref="Organisation.Key"/>.</summary>
    public const string OrganisationPrefix = Organisation.KeyPrefix;

    public static Member? FindMember(ContractState state, AccountId account) => state.Get(Member.Key(account));

    /// <summary>Saves a member, with their seat among their organisation's staff unless they are a patient.</summary>
    public static void Put(ContractState state, Member member)
    {
        state.Put(Member.Key(member.Account), member);
        if (member.Role != Roles.Patient) state.Put(StaffSeat.Key(member.Organisation, member.Account), new StaffSeat(member.Role));
    }

    /// <summary>Removes a member and their seat among their organisation's staff.</summary>
    public static void Delete(ContractState state, Member member)
    {
        state.Delete(Member.Key(member.Account));
        state.Delete(StaffSeat.Key(member.Organisation, member.Account));
    }

    public static Organisation? FindOrganisation(ContractState state, string id) => state.Get(Organisation.Key(id));

    /// <summary>The sender policy of a permissioned chain: only registered members transact.</summary>
    public static string? RequireMember(IStateReader state, AccountId sender) =>
        state.Get(Member.Key(sender).Value) is null ? $"account {sender} is not a member of the consortium" : null;

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

    /// <summary>
    /// Who may know an account's membership: anyone for clinical and organisational staff (professional identities are
    /// public); for a patient, the patient, their organisation's staff and oversight.
    /// </summary>
    public static bool MayKnow(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees || asker.Is(args.GetText("account"))) return true;
        if (FindMember(q.State, AccountId.Parse(args.GetText("account"))) is not { } member || member.Role != Roles.Patient) return true;
        return asker.Organisation == member.Organisation && asker.Role is not Roles.Patient;
    }

    /// <summary>Why this admin may not give this role (with this name) to a new member, or null.</summary>
    public static string? CheckRole(ContractState state, Member admin, string role, string? name)
    {
        if (!Roles.All.Contains(role)) return $"unknown role '{role}'; roles are {string.Join(", ", Roles.All)}";
        if (role == Roles.Patient && !string.IsNullOrEmpty(name)) return MembershipContract.PatientNameRefusal;
        if (role == Roles.Auditor && !Roles.AuditingKinds.Contains(FindOrganisation(state, admin.Organisation)?.Kind ?? ""))
            return $"only an admin of a {string.Join(" or ", Roles.AuditingKinds)} organisation may appoint an auditor";
        return null;
    }

    public static Outcome AnyMember(ContractContext ctx) =>
        ctx.State.Contains(Member.Key(ctx.Sender)) ? Outcome.Ok : Outcome.Fail("only consortium members may do this");
}

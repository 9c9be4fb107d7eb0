using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Membership;

/// <summary>
/// Organisations and their members. Organisations come from genesis; an organisation's admin
/// registers and removes its own members (patients, practitioners, pharmacists, researchers,
/// services, other admins). The validator set (which organisations' nodes sign blocks) changes
/// by vote: an admin of a validating organisation proposes that an organisation join with its
/// node's key, or that a validator leave; it takes effect when admins of a majority of the
/// validating organisations have approved.
/// </summary>
public sealed class MembershipContract : IContract
{
    public string Name => "membership";

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("register", [new("account", ArgKind.Account), new("role", ArgKind.Text), new("name", ArgKind.Text, Optional: true)],
            "an admin of the organisation the member joins", Members.AdminOf(null), Register),
        new("remove", [new("account", ArgKind.Account)],
            "an admin of the member's organisation", Members.AdminOf(null), Remove),
        new("propose-validator", [new("organisation", ArgKind.Text), new("key", ArgKind.Bytes), new("name", ArgKind.Text, Optional: true), new("kind", ArgKind.Text, Optional: true)],
            "an admin of a validating organisation", Validators.AdminOfValidator, ProposeJoin),
        new("propose-removal", [new("validator", ArgKind.Account)],
            "an admin of a validating organisation", Validators.AdminOfValidator, ProposeRemoval),
        new("approve", [new("proposal", ArgKind.Text)],
            "an admin of a validating organisation", Validators.AdminOfValidator, Approve),
    ];

    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        new("member", [new("account", ArgKind.Account)], (q, args) =>
            Members.FindMember(q.State, AccountId.Parse(args.GetText("account"))) is { } m
                ? new CborMap { ["found"] = true, ["account"] = m.Account.ToString(), ["org"] = m.Organisation, ["role"] = m.Role, ["name"] = m.Name }
                : new CborMap { ["found"] = false }),
        new("organisations", [], (q, _) => new CborMap
        {
            ["organisations"] = q.State.Scan(Members.OrganisationPrefix).Select(o => (object)o.Value).ToList(),
        }),
        new("validators", [], (q, _) => new CborMap
        {
            ["validators"] = q.State.Scan(Validators.Prefix).Select(v => (object)new CborMap { ["account"] = v.Key[Validators.Prefix.Length..], ["org"] = v.Value.GetText("org") }).ToList(),
        }),
        new("proposal", [new("id", ArgKind.Text)], (q, args) => q.State.Get(Validators.ProposalPrefix + args.GetText("id")) ?? new CborMap { ["found"] = false }),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
        foreach (var item in genesis.GetList("organisations"))
        {
            var org = (CborMap)item;
            var kind = org.GetText("kind");
            if (!OrganisationKinds.All.Contains(kind)) throw new CborMapException($"unknown organisation kind '{kind}'");
            var id = org.GetText("id");
            state.Put(Members.OrganisationPrefix + id, new CborMap { ["id"] = id, ["name"] = org.GetText("name"), ["kind"] = kind });
        }
        foreach (var item in genesis.GetList("members"))
        {
            var m = (CborMap)item;
            var member = new Member(AccountId.Parse(m.GetText("account")), m.GetText("org"), m.GetText("role"), m.TryGetText("name") ?? "");
            if (Members.FindOrganisation(state, member.Organisation) is null) throw new CborMapException($"member of unknown organisation '{member.Organisation}'");
            if (!Roles.All.Contains(member.Role)) throw new CborMapException($"unknown role '{member.Role}'");
            state.Put(Members.MemberPrefix + member.Account, Members.Record(member));
        }
        foreach (var key in genesis.GetList("validators").Cast<byte[]>())
        {
            var account = AccountId.FromPublicKey(key);
            var org = Members.FindMember(state, account)?.Organisation ?? "";
            state.Put(Validators.Prefix + account, new CborMap { ["key"] = key, ["org"] = org });
        }
    }

    private static Outcome ProposeJoin(ContractContext ctx, CborMap args)
    {
        var org = args.GetText("organisation");
        var key = args.GetBytes("key");
        if (!CallerIds.IsValid(org)) return Outcome.Fail("an organisation id is 1-64 lowercase letters, digits or dashes");
        if (!SignatureVerifier.IsValidPublicKey(key)) return Outcome.Fail("'key' is not a P-256 public key (SubjectPublicKeyInfo)");
        var account = AccountId.FromPublicKey(key);
        if (ctx.State.Get(Validators.Prefix + account) is not null) return Outcome.Fail($"{account} is already a validator");
        if (Members.FindMember(ctx.State, account) is { } existing && (existing.Organisation != org || existing.Role != Roles.Service))
            return Outcome.Fail($"account {account} is already a {existing.Role} of {existing.Organisation}");
        var kind = args.TryGetText("kind");
        if (Members.FindOrganisation(ctx.State, org) is null && (kind is null || !OrganisationKinds.All.Contains(kind)))
            return Outcome.Fail($"a new organisation needs a 'kind': one of {string.Join(", ", OrganisationKinds.All)}");
        return Validators.Open(ctx, new CborMap
        {
            ["change"] = "join", ["org"] = org, ["name"] = args.TryGetText("name") ?? org, ["kind"] = kind ?? "", ["key"] = key, ["validator"] = account.ToString(),
        });
    }

    private static Outcome ProposeRemoval(ContractContext ctx, CborMap args)
    {
        var validator = AccountId.Parse(args.GetText("validator"));
        if (ctx.State.Get(Validators.Prefix + validator) is null) return Outcome.Fail($"{validator} is not a validator");
        if (ctx.State.Scan(Validators.Prefix).Count() <= 1) return Outcome.Fail("the last validator cannot leave");
        return Validators.Open(ctx, new CborMap { ["change"] = "leave", ["validator"] = validator.ToString() });
    }

    private static Outcome Approve(ContractContext ctx, CborMap args) => Validators.Approve(ctx, args.GetText("proposal"));

    private static Outcome Register(ContractContext ctx, CborMap args)
    {
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        var account = AccountId.Parse(args.GetText("account"));
        var role = args.GetText("role");
        if (!Roles.All.Contains(role)) return Outcome.Fail($"unknown role '{role}'; roles are {string.Join(", ", Roles.All)}");
        if (Members.FindMember(ctx.State, account) is { } existing)
            return Outcome.Fail($"account {account} is already a {existing.Role} of {existing.Organisation}");
        var member = new Member(account, admin.Organisation, role, args.TryGetText("name") ?? "");
        ctx.State.Put(Members.MemberPrefix + account, Members.Record(member));
        ctx.Emit("MemberRegistered", new CborMap { ["account"] = account.ToString(), ["org"] = member.Organisation, ["role"] = role });
        return Outcome.Ok;
    }

    private static Outcome Remove(ContractContext ctx, CborMap args)
    {
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        var account = AccountId.Parse(args.GetText("account"));
        var member = Members.FindMember(ctx.State, account);
        if (member is null) return Outcome.Fail($"account {account} is not a member");
        if (member.Organisation != admin.Organisation) return Outcome.Fail("an admin may remove only members of their own organisation");
        if (account == ctx.Sender) return Outcome.Fail("an admin may not remove themselves");
        ctx.State.Delete(Members.MemberPrefix + account);
        ctx.Emit("MemberRemoved", new CborMap { ["account"] = account.ToString(), ["org"] = member.Organisation });
        return Outcome.Ok;
    }
}

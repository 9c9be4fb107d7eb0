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
        new("invite", [new("invitation", ArgKind.Text), new("role", ArgKind.Text), new("key", ArgKind.Bytes), new("expiry", ArgKind.Integer), new("name", ArgKind.Text, Optional: true)],
            "an admin of the organisation the invitee joins", Members.AdminOf(null), Invitations.Invite),
        new(Invitations.AcceptAction, [new("invitation", ArgKind.Text), new("proof", ArgKind.Bytes)],
            "whoever holds the invitation's one-time key, for their own account (no member yet)", _ => Outcome.Ok, Invitations.Accept),
        new("withdraw-invitation", [new("invitation", ArgKind.Text)],
            "an admin of the invitation's organisation", Members.AdminOf(null), Invitations.Withdraw),
    ];

    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("member", [new("account", ArgKind.Account)], Members.MayKnow, (q, args) =>
            Found.Of(Members.FindMember(q.State, AccountId.Parse(args.GetText("account"))))),
        // Staff are professional identities, public so that patients can grant to an organisation and writers wrap keys
        // for its staff; an organisation's patients are not listed here.
        ContractQuery.Of("staff", [new("org", ArgKind.Text), .. QueryPaging.Args], Audiences.Public, (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, StaffSeat.Of(args.GetText("org")), args);
            return new StaffList([.. page.Select(e => Members.FindMember(q.State, AccountId.Parse(StateKeys.LastSegment(e.Key)))!)], next);
        }),
        ContractQuery.Of("organisations", [], Audiences.Public, (q, _) => new OrganisationList([.. q.State.Scan(Organisation.All).Select(o => o.Value)])),
        ContractQuery.Of("validators", [], Audiences.Public, (q, _) =>
            new ValidatorList([.. q.State.Scan(Validator.All).Select(v => new ValidatorSeat(AccountId.FromPublicKey(v.Value.PublicKey), v.Value.Organisation))])),
        // An invitation's id is a secret of its link: whoever has the link may see what it offers before taking it up.
        ContractQuery.Of("invitation", [new("invitation", ArgKind.Text)], Audiences.Public, (q, args) => Found.Of(q.State.Get(Invitation.Key(args.GetText("invitation"))))),
        ContractQuery.Of("invitations", [new("org", ArgKind.Text)], Audiences.StaffOf("org"), (q, args) =>
            new InvitationList([.. q.State.Scan(Invitation.All).Select(e => e.Value).Where(i => i.Organisation == args.GetText("org"))])),
        ContractQuery.Of("proposal", [new("id", ArgKind.Text)], Audiences.Public, (q, args) => Found.Of(q.State.Get(ValidatorProposal.Key(args.GetText("id"))))),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
        foreach (var item in genesis.GetList("organisations"))
        {
            var org = Organisation.FromCbor(item as CborMap ?? throw new CborMapException("organisations must be maps"));
            if (!OrganisationKinds.All.Contains(org.Kind)) throw new CborMapException($"unknown organisation kind '{org.Kind}'");
            state.Put(Organisation.Key(org.Id), org);
        }
        foreach (var item in genesis.GetList("members"))
        {
            var member = Member.FromGenesis(item as CborMap ?? throw new CborMapException("members must be maps"));
            if (Members.FindOrganisation(state, member.Organisation) is null) throw new CborMapException($"member of unknown organisation '{member.Organisation}'");
            if (!Roles.All.Contains(member.Role)) throw new CborMapException($"unknown role '{member.Role}'");
            if (member.Role == Roles.Patient && member.Name.Length > 0) throw new CborMapException(PatientNameRefusal);
            Members.Put(state, member);
        }
        foreach (var key in genesis.GetList("validators").Cast<byte[]>())
        {
            var account = AccountId.FromPublicKey(key);
            var org = Members.FindMember(state, account)?.Organisation ?? "";
            state.Put(Validator.Key(account), new Validator(key, org));
        }
    }

    /// <summary>
    /// Why a patient is registered without a name: the ledger is immutable and erasure could never reach it. Who a patient
    /// is lives in their own encrypted Patient record; the ledger knows them by their pseudonymous account (ADR 0011).
    /// </summary>
    public const string PatientNameRefusal = "a patient's name is not put on the ledger, which could never erase it: register the patient without a name and keep it in their encrypted Patient record";

    private static Outcome ProposeJoin(ContractContext ctx, CborMap args)
    {
        var org = args.GetText("organisation");
        var key = args.GetBytes("key");
        if (!CallerIds.IsValid(org)) return Outcome.Fail("an organisation id is 1-64 lowercase letters, digits or dashes");
        if (!SignatureVerifier.IsValidPublicKey(key)) return Outcome.Fail("'key' is not a P-256 public key (SubjectPublicKeyInfo)");
        var account = AccountId.FromPublicKey(key);
        if (ctx.State.Contains(Validator.Key(account))) return Outcome.Fail($"{account} is already a validator");
        if (Members.FindMember(ctx.State, account) is { } existing && (existing.Organisation != org || existing.Role != Roles.Service))
            return Outcome.Fail($"account {account} is already a {existing.Role} of {existing.Organisation}");
        var kind = args.TryGetText("kind");
        if (Members.FindOrganisation(ctx.State, org) is null && (kind is null || !OrganisationKinds.All.Contains(kind)))
            return Outcome.Fail($"a new organisation needs a 'kind': one of {string.Join(", ", OrganisationKinds.All)}");
        return Validators.Open(ctx, ValidatorProposal.Joins, account, new ValidatorJoin(org, args.TryGetText("name") ?? org, kind ?? "", key));
    }

    private static Outcome ProposeRemoval(ContractContext ctx, CborMap args)
    {
        var validator = AccountId.Parse(args.GetText("validator"));
        if (!ctx.State.Contains(Validator.Key(validator))) return Outcome.Fail($"{validator} is not a validator");
        if (ctx.State.Scan(Validator.All).Count() <= 1) return Outcome.Fail("the last validator cannot leave");
        return Validators.Open(ctx, ValidatorProposal.Leaves, validator, null);
    }

    private static Outcome Approve(ContractContext ctx, CborMap args) => Validators.Approve(ctx, args.GetText("proposal"));

    private static Outcome Register(ContractContext ctx, CborMap args)
    {
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        var account = AccountId.Parse(args.GetText("account"));
        var role = args.GetText("role");
        if (Members.FindMember(ctx.State, account) is { } existing)
            return Outcome.Fail($"account {account} is already a {existing.Role} of {existing.Organisation}");
        if (Members.CheckRole(ctx.State, admin, role, args.TryGetText("name")) is { } refusal) return Outcome.Fail(refusal);
        var member = new Member(account, admin.Organisation, role, args.TryGetText("name") ?? "");
        Members.Put(ctx.State, member);
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
        Members.Delete(ctx.State, member);
        ctx.Emit("MemberRemoved", new CborMap { ["account"] = account.ToString(), ["org"] = member.Organisation });
        return Outcome.Ok;
    }
}

using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Licensing;

/// <summary>
/// Practitioner licences. The licensing authority issues a licence (specialty, jurisdiction,
/// validity) and may revoke it; anyone can ask whether it holds at a given block time.
/// Issuing again to a licensed practitioner renews the licence.
/// </summary>
public sealed class LicensingContract : IContract
{
    /// <summary>For callers not yet converted to <see cref="Licence.Key"/>.</summary>
    public const string LicencePrefix = Licence.KeyPrefix;

    public string Name => "licensing";

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("issue",
            [new("practitioner", ArgKind.Account), new("specialty", ArgKind.Text), new("jurisdiction", ArgKind.Text),
             new("validFrom", ArgKind.Integer), new("validUntil", ArgKind.Integer)],
            "an admin of the licensing authority", Members.AdminOf(OrganisationKinds.LicensingAuthority), Issue),
        new("revoke", [new("practitioner", ArgKind.Account), new("reason", ArgKind.Text)],
            "an admin of the licensing authority", Members.AdminOf(OrganisationKinds.LicensingAuthority), Revoke),
    ];

    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("verify", [new("practitioner", ArgKind.Account), new("at", ArgKind.Integer, Optional: true)], Audiences.Public, (q, args) =>
        {
            var account = AccountId.Parse(args.GetText("practitioner"));
            var at = args.TryGetInt("at") ?? q.Time;
            var verdict = Check(q.State, account, at);
            return new LicenceVerdict(account, at, verdict.IsOk, verdict.Error, q.State.Get(Licence.Key(account)));
        }),
        ContractQuery.Of("licences", QueryPaging.Args, Audiences.Public, (q, args) =>
        {
            var (page, next) = QueryPaging.Read(q.State, Licence.All, args);
            return new LicenceList([.. page.Select(e => e.Value)], next);
        }),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
    }

    /// <summary>Whether the account holds a licence valid at <paramref name="time"/>; other contracts ask this.</summary>
    public static Outcome Check(ContractState state, AccountId practitioner, long time)
    {
        if (state.Get(Licence.Key(practitioner)) is not { } licence) return Outcome.Fail($"{practitioner} holds no licence");
        if (licence.RevokedBy(time)) return Outcome.Fail($"licence was revoked: {licence.RevokeReason}");
        if (time < licence.ValidFrom) return Outcome.Fail("licence is not yet valid");
        if (time > licence.ValidUntil) return Outcome.Fail("licence has expired");
        return Outcome.Ok;
    }

    private static Outcome Issue(ContractContext ctx, CborMap args)
    {
        var practitioner = AccountId.Parse(args.GetText("practitioner"));
        var member = Members.FindMember(ctx.State, practitioner);
        if (member is null) return Outcome.Fail($"{practitioner} is not a member of the consortium");
        if (member.Role is not (Roles.Practitioner or Roles.Pharmacist))
            return Outcome.Fail($"only practitioners and pharmacists are licensed; {practitioner} is a {member.Role}");
        var from = args.GetInt("validFrom");
        var until = args.GetInt("validUntil");
        if (until <= from) return Outcome.Fail("validUntil must be after validFrom");
        if (until <= ctx.BlockTime) return Outcome.Fail("the licence would already have expired");
        var issuer = Members.FindMember(ctx.State, ctx.Sender)!;
        var licence = new Licence(practitioner, args.GetText("specialty"), args.GetText("jurisdiction"), from, until, issuer.Organisation, ctx.BlockTime,
            Number: ctx.TxId.ToString()[..16], Revoked: false, RevokedAt: 0, RevokeReason: "");
        if (ctx.State.Get(Licence.Key(practitioner)) is { } old)
            foreach (var lapse in LicenceLapse.Of(old)) ctx.State.Delete(LicenceLapse.Key(lapse.At, practitioner));
        Put(ctx.State, licence);
        ctx.Emit("LicenceIssued", new CborMap { ["practitioner"] = practitioner.ToString(), ["specialty"] = args.GetText("specialty"), ["validUntil"] = until });
        return Outcome.Ok;
    }

    private static Outcome Revoke(ContractContext ctx, CborMap args)
    {
        var practitioner = AccountId.Parse(args.GetText("practitioner"));
        if (ctx.State.Get(Licence.Key(practitioner)) is not { } licence) return Outcome.Fail($"{practitioner} holds no licence");
        if (licence.Revoked) return Outcome.Fail("licence is already revoked");
        Put(ctx.State, licence with { Revoked = true, RevokedAt = ctx.BlockTime, RevokeReason = args.GetText("reason") });
        ctx.Emit("LicenceRevoked", new CborMap { ["practitioner"] = practitioner.ToString(), ["reason"] = args.GetText("reason") });
        return Outcome.Ok;
    }

    /// <summary>Saves a licence with the moments it stops holding (<see cref="LicenceLapse"/>).</summary>
    private static void Put(ContractState state, Licence licence)
    {
        state.Put(Licence.Key(licence.Practitioner), licence);
        foreach (var lapse in LicenceLapse.Of(licence)) state.Put(LicenceLapse.Key(lapse.At, licence.Practitioner), lapse);
    }
}

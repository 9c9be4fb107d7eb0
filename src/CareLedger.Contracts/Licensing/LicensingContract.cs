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
    public const string LicencePrefix = "licensing/licence/";

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
        new("verify", [new("practitioner", ArgKind.Account), new("at", ArgKind.Integer, Optional: true)], (q, args) =>
        {
            var account = AccountId.Parse(args.GetText("practitioner"));
            var at = args.TryGetInt("at") ?? q.Time;
            var verdict = Check(q.State, account, at);
            var answer = new CborMap { ["practitioner"] = account.ToString(), ["at"] = at, ["valid"] = verdict.IsOk };
            if (!verdict.IsOk) answer["reason"] = verdict.Error!;
            if (q.State.Get(LicencePrefix + account) is { } licence) answer["licence"] = licence;
            return answer;
        }),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
    }

    /// <summary>Whether the account holds a licence valid at <paramref name="time"/>; other contracts ask this.</summary>
    public static Outcome Check(ContractState state, AccountId practitioner, long time)
    {
        if (state.Get(LicencePrefix + practitioner) is not { } licence) return Outcome.Fail($"{practitioner} holds no licence");
        if (licence.GetBool("revoked") && licence.GetInt("revokedAt") <= time) return Outcome.Fail($"licence was revoked: {licence.GetText("revokeReason")}");
        if (time < licence.GetInt("validFrom")) return Outcome.Fail("licence is not yet valid");
        if (time > licence.GetInt("validUntil")) return Outcome.Fail("licence has expired");
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
        var licence = new CborMap
        {
            ["practitioner"] = practitioner.ToString(),
            ["specialty"] = args.GetText("specialty"),
            ["jurisdiction"] = args.GetText("jurisdiction"),
            ["validFrom"] = from,
            ["validUntil"] = until,
            ["issuer"] = issuer.Organisation,
            ["issuedAt"] = ctx.BlockTime,
            ["number"] = ctx.TxId.ToString()[..16],
            ["revoked"] = false,
            ["revokedAt"] = 0L,
            ["revokeReason"] = "",
        };
        ctx.State.Put(LicencePrefix + practitioner, licence);
        ctx.Emit("LicenceIssued", new CborMap { ["practitioner"] = practitioner.ToString(), ["specialty"] = args.GetText("specialty"), ["validUntil"] = until });
        return Outcome.Ok;
    }

    private static Outcome Revoke(ContractContext ctx, CborMap args)
    {
        var practitioner = AccountId.Parse(args.GetText("practitioner"));
        if (ctx.State.Get(LicencePrefix + practitioner) is not { } licence) return Outcome.Fail($"{practitioner} holds no licence");
        if (licence.GetBool("revoked")) return Outcome.Fail("licence is already revoked");
        licence["revoked"] = true;
        licence["revokedAt"] = ctx.BlockTime;
        licence["revokeReason"] = args.GetText("reason");
        ctx.State.Put(LicencePrefix + practitioner, licence);
        ctx.Emit("LicenceRevoked", new CborMap { ["practitioner"] = practitioner.ToString(), ["reason"] = args.GetText("reason") });
        return Outcome.Ok;
    }
}

using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>Grants and revocations: consent, signed by the patient's own key.</summary>
public sealed partial class RecordsContract
{
    private static Outcome Grant(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("grant");
        if (!IsRecordId(id)) return Outcome.Fail("a grant id is 32 lowercase hex characters");
        if (Members.FindMember(ctx.State, ctx.Sender)?.Role != Roles.Patient) return Outcome.Fail("only a patient grants access to their records");
        var purpose = args.GetText("purpose");
        if (!Purposes.Grantable.Contains(purpose)) return Outcome.Fail($"unknown purpose '{purpose}'; purposes are {string.Join(", ", Purposes.Grantable)}");
        var grantee = args.TryGetText("grantee");
        var org = args.TryGetText("granteeOrg");
        if ((grantee is null) == (org is null)) return Outcome.Fail("name exactly one of grantee (an account) or granteeOrg (an organisation)");
        if (grantee is not null && Members.FindMember(ctx.State, AccountId.Parse(grantee)) is null) return Outcome.Fail($"grantee {grantee} is not a member");
        if (org is not null && Members.FindOrganisation(ctx.State, org) is null) return Outcome.Fail($"no organisation '{org}'");
        if (grantee == ctx.Sender.ToString()) return Outcome.Fail("a patient needs no grant to their own records");
        var expiry = args.GetInt("expiry");
        if (expiry <= ctx.BlockTime) return Outcome.Fail("the grant would already have expired");
        if (ctx.State.Contains(ConsentGrant.Key(ctx.Sender, id))) return Outcome.Fail($"grant {id} already exists");

        var records = args.ContainsKey("records") ? args.GetList("records") : [];
        var types = args.ContainsKey("types") ? args.GetList("types") : [];
        if (records.Count + types.Count == 0) return Outcome.Fail("a grant must name records or resource types");
        foreach (var r in records)
        {
            if (r is not string rid || ctx.State.Get(MedicalRecord.Key(rid)) is not { } record) return Outcome.Fail($"no record {r}");
            if (record.Patient != ctx.Sender) return Outcome.Fail($"record {rid} is not yours");
        }
        foreach (var t in types)
            if (t is not string type || !ResourceTypes.Contains(type)) return Outcome.Fail($"unknown resource type {t}");
        if (args.TryGetText("keysHash") is { } kh && !IsLowerHash(kh)) return Outcome.Fail("keysHash must be a SHA-256 in lowercase hex");

        var grant = new ConsentGrant(id, ctx.Sender, purpose, [.. records.Cast<string>()], [.. types.Cast<string>()], expiry, ctx.BlockTime,
            Revoked: false, RevokedAt: 0, KeysHash: args.TryGetText("keysHash") ?? "", grantee is null ? null : AccountId.Parse(grantee), org);
        ctx.State.Put(ConsentGrant.Key(ctx.Sender, id), grant);
        ctx.Emit("ConsentGranted", new CborMap { ["grant"] = id, ["patient"] = ctx.Sender.ToString(), ["purpose"] = purpose, ["to"] = grantee ?? org! });
        return Outcome.Ok;
    }

    private static Outcome Revoke(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("grant");
        var key = ConsentGrant.Key(ctx.Sender, id);
        if (ctx.State.Get(key) is not { } grant) return Outcome.Fail($"you gave no grant {id}");
        if (grant.Revoked) return Outcome.Fail("the grant is already revoked");
        ctx.State.Put(key, grant with { Revoked = true, RevokedAt = ctx.BlockTime });
        ctx.Emit("ConsentRevoked", new CborMap { ["grant"] = id, ["patient"] = ctx.Sender.ToString() });
        return Outcome.Ok;
    }
}

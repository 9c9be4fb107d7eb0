using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Contracts.Membership;

/// <summary>
/// The validator set on the ledger: whose nodes sign blocks, and the proposals that change it.
/// Each validator is listed with its node's public key and its organisation; a proposal counts
/// approvals per organisation and applies itself when a majority of validating organisations agree.
/// </summary>
public static class Validators
{
    public const string Prefix = "membership/validator/";
    public const string ProposalPrefix = "membership/validator-proposal/";

    /// <summary>The current validators' public keys, for nodes: the set that signs block <c>head + 1</c>.</summary>
    public static IReadOnlyList<byte[]> Keys(IStateReader state) =>
        state.Scan(Prefix).Select(kv => CborMap.Decode(kv.Value).GetBytes("key")).ToList();

    /// <summary>The current validators' accounts; <paramref name="genesis"/>'s for a chain started before the set was kept on the ledger.</summary>
    public static IReadOnlySet<AccountId> Accounts(IStateReader state, IReadOnlySet<AccountId> genesis)
    {
        var keys = Keys(state);
        return keys.Count > 0 ? keys.Select(k => AccountId.FromPublicKey(k)).ToHashSet() : genesis;
    }

    public static Func<ContractContext, Outcome> AdminOfValidator { get; } = ctx =>
    {
        var member = Members.FindMember(ctx.State, ctx.Sender);
        if (member is null || member.Role != Roles.Admin) return Outcome.Fail("only an organisation admin may do this");
        return Organisations(ctx.State).Contains(member.Organisation) ? Outcome.Ok : Outcome.Fail("only an admin of an organisation that runs a validator may do this");
    };

    /// <summary>Organisations with at least one validator: each has one vote.</summary>
    private static HashSet<string> Organisations(ContractState state) => state.Scan(Prefix).Select(v => v.Value.GetText("org")).ToHashSet();

    internal static Outcome Open(ContractContext ctx, CborMap proposal)
    {
        var id = ctx.TxId.ToString();
        proposal["proposer"] = ctx.Sender.ToString();
        proposal["approvals"] = new List<object>();
        proposal["status"] = "open";
        ctx.State.Put(ProposalPrefix + id, proposal);
        ctx.Emit("ValidatorChangeProposed", new CborMap { ["proposal"] = id, ["change"] = proposal.GetText("change"), ["validator"] = proposal.GetText("validator") });
        return Approve(ctx, id);
    }

    internal static Outcome Approve(ContractContext ctx, string id)
    {
        if (ctx.State.Get(ProposalPrefix + id) is not { } proposal) return Outcome.Fail($"no validator proposal {id}");
        if (proposal.GetText("status") != "open") return Outcome.Fail($"proposal {id} is already {proposal.GetText("status")}");
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        var approvals = proposal.GetList("approvals").Cast<string>().ToList();
        if (approvals.Contains(org)) return Outcome.Fail($"{org} has already approved proposal {id}");
        approvals.Add(org);
        proposal["approvals"] = approvals.Cast<object>().ToList();
        var voters = Organisations(ctx.State);
        var needed = voters.Count / 2 + 1;
        if (approvals.Count(voters.Contains) >= needed)
        {
            if (ApplyChange(ctx, proposal) is { } error) return Outcome.Fail(error);
            proposal["status"] = "applied";
        }
        ctx.State.Put(ProposalPrefix + id, proposal);
        ctx.Emit("ValidatorChangeApproved", new CborMap { ["proposal"] = id, ["org"] = org, ["approvals"] = (long)approvals.Count, ["needed"] = (long)needed });
        return Outcome.Ok;
    }

    private static string? ApplyChange(ContractContext ctx, CborMap proposal)
    {
        var validator = AccountId.Parse(proposal.GetText("validator"));
        if (proposal.GetText("change") == "leave")
        {
            if (ctx.State.Get(Prefix + validator) is null) return $"{validator} is no longer a validator";
            ctx.State.Delete(Prefix + validator);
            ctx.Emit("ValidatorRemoved", new CborMap { ["validator"] = validator.ToString() });
            return null;
        }
        var org = proposal.GetText("org");
        if (ctx.State.Get(Prefix + validator) is not null) return $"{validator} is already a validator";
        if (Members.FindOrganisation(ctx.State, org) is null)
            ctx.State.Put(Members.OrganisationPrefix + org, new CborMap { ["id"] = org, ["name"] = proposal.GetText("name"), ["kind"] = proposal.GetText("kind") });
        if (Members.FindMember(ctx.State, validator) is null)
            ctx.State.Put(Members.MemberPrefix + validator, Members.Record(new Member(validator, org, Roles.Service, $"{proposal.GetText("name")} node")));
        ctx.State.Put(Prefix + validator, new CborMap { ["key"] = proposal.GetBytes("key"), ["org"] = org });
        ctx.Emit("ValidatorAdded", new CborMap { ["validator"] = validator.ToString(), ["org"] = org });
        return null;
    }
}

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
    public const string Prefix = Validator.KeyPrefix;
    public const string ProposalPrefix = ValidatorProposal.KeyPrefix;

    /// <summary>The current validators' public keys, for nodes: the set that signs block <c>head + 1</c>.</summary>
    public static IReadOnlyList<byte[]> Keys(IStateReader state) =>
        state.Scan(Prefix).Select(kv => CborRecord.Decode<Validator>(kv.Value).PublicKey).ToList();

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
    private static HashSet<string> Organisations(ContractState state) => state.Scan(Validator.All).Select(v => v.Value.Organisation).ToHashSet();

    internal static Outcome Open(ContractContext ctx, string change, AccountId validator, ValidatorJoin? join)
    {
        var id = ctx.TxId.ToString();
        ctx.State.Put(ValidatorProposal.Key(id), new ValidatorProposal(change, validator, ctx.Sender, [], ValidatorProposal.Open, join));
        ctx.Emit("ValidatorChangeProposed", new CborMap { ["proposal"] = id, ["change"] = change, ["validator"] = validator.ToString() });
        return Approve(ctx, id);
    }

    internal static Outcome Approve(ContractContext ctx, string id)
    {
        if (ctx.State.Get(ValidatorProposal.Key(id)) is not { } proposal) return Outcome.Fail($"no validator proposal {id}");
        if (proposal.Status != ValidatorProposal.Open) return Outcome.Fail($"proposal {id} is already {proposal.Status}");
        var org = Members.FindMember(ctx.State, ctx.Sender)!.Organisation;
        if (proposal.Approvals.Contains(org)) return Outcome.Fail($"{org} has already approved proposal {id}");
        List<string> approvals = [.. proposal.Approvals, org];
        proposal = proposal with { Approvals = approvals };
        var voters = Organisations(ctx.State);
        var needed = voters.Count / 2 + 1;
        if (approvals.Count(voters.Contains) >= needed)
        {
            if (ApplyChange(ctx, proposal) is { } error) return Outcome.Fail(error);
            proposal = proposal with { Status = ValidatorProposal.Applied };
        }
        ctx.State.Put(ValidatorProposal.Key(id), proposal);
        ctx.Emit("ValidatorChangeApproved", new CborMap { ["proposal"] = id, ["org"] = org, ["approvals"] = (long)approvals.Count, ["needed"] = (long)needed });
        return Outcome.Ok;
    }

    private static string? ApplyChange(ContractContext ctx, ValidatorProposal proposal)
    {
        var validator = proposal.Validator;
        if (proposal.Join is not { } join)
        {
            if (!ctx.State.Contains(Validator.Key(validator))) return $"{validator} is no longer a validator";
            ctx.State.Delete(Validator.Key(validator));
            ctx.Emit("ValidatorRemoved", new CborMap { ["validator"] = validator.ToString() });
            return null;
        }
        var org = join.Organisation;
        if (ctx.State.Contains(Validator.Key(validator))) return $"{validator} is already a validator";
        if (Members.FindOrganisation(ctx.State, org) is null)
            ctx.State.Put(Organisation.Key(org), new Organisation(org, join.Name, join.Kind));
        if (Members.FindMember(ctx.State, validator) is null)
            Members.Put(ctx.State, new Member(validator, org, Roles.Service, $"{join.Name} node"));
        ctx.State.Put(Validator.Key(validator), new Validator(join.PublicKey, org));
        ctx.Emit("ValidatorAdded", new CborMap { ["validator"] = validator.ToString(), ["org"] = org });
        return null;
    }
}

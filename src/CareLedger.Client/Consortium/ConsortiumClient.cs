using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Consortium;

/// <summary>
/// The validator set over a node (kept by the membership contract): admins of validating organisations
/// propose that a node join or leave and approve proposals; a proposal applies once a majority of the
/// validating organisations approved it. Actions return their receipt, whose events tell where the
/// proposal stands, or throw <see cref="ContractActionException"/>.
/// </summary>
public sealed class ConsortiumClient(NodeClient node)
{
    public const string Contract = MembershipClient.Contract;

    /// <summary>
    /// Proposes that an organisation's node join the validators with its key (SubjectPublicKeyInfo); the name and kind
    /// create the organisation when it is new. The proposer's organisation approves it at once.
    /// </summary>
    public Task<ReceiptDto> ProposeJoinAsync(IAccountKey admin, string organisation, byte[] nodeKey, string? name = null, string? kind = null,
        CancellationToken ct = default)
    {
        var args = new CborMap { ["organisation"] = organisation, ["key"] = nodeKey };
        if (name is not null) args["name"] = name;
        if (kind is not null) args["kind"] = kind;
        return node.CommitAsync(admin, Contract, "propose-validator", args, ct);
    }

    /// <summary>Proposes that a validator stop signing blocks; the proposer's organisation approves it at once.</summary>
    public Task<ReceiptDto> ProposeLeaveAsync(IAccountKey admin, AccountId validator, CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "propose-removal", new CborMap { ["validator"] = validator.ToString() }, ct);

    /// <summary>Approves a proposal, named by the transaction that opened it, for the signing admin's organisation.</summary>
    public Task<ReceiptDto> ApproveAsync(IAccountKey admin, Hash256 proposal, CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "approve", new CborMap { ["proposal"] = proposal.ToString() }, ct);

    /// <summary>The validators on the ledger now, in account order.</summary>
    public async Task<IReadOnlyList<ValidatorSeat>> ValidatorsAsync(CancellationToken ct = default) =>
        (await node.QueryAsync<ValidatorList>(Contract, "validators", new CborMap(), ct)).Validators;

    public async Task<ValidatorProposal?> GetProposalAsync(Hash256 proposal, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<ValidatorProposal>>(Contract, "proposal", new CborMap { ["id"] = proposal.ToString() }, ct)).Value;

    /// <summary>The consortium as this node sees it (leader, heights, members and their lag); for the consortium's staff and nodes.</summary>
    public async Task<ConsortiumStatusDto> StatusAsync(CancellationToken ct = default)
    {
        using var response = await node.GetResponseAsync("v1/consortium/status", ct);
        return await NodeClient.ReadAsync<ConsortiumStatusDto>(response, ct);
    }
}

using CareLedger.Client.Api;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Membership;

/// <summary>
/// The membership contract's members and organisations over a node: an organisation's admins register
/// and remove its members; anyone looks them up. Actions return their receipt or throw
/// <see cref="ContractActionException"/>. The validator set is <see cref="Consortium.ConsortiumClient"/>'s.
/// </summary>
public sealed class MembershipClient(NodeClient node)
{
    /// <summary>The same client, reading as <paramref name="key"/>'s holder (reads about people are answered to those they concern).</summary>
    public MembershipClient As(IAccountKey key) => new(node.As(key));

    public const string Contract = "membership";

    /// <summary>Registers an account in the signing admin's organisation with a role (<see cref="Roles"/>) and a display name.</summary>
    public Task<ReceiptDto> RegisterAsync(IAccountKey admin, AccountId account, string role, string? name = null, CancellationToken ct = default)
    {
        var args = new CborMap { ["account"] = account.ToString(), ["role"] = role };
        if (!string.IsNullOrEmpty(name)) args["name"] = name;
        return node.CommitAsync(admin, Contract, "register", args, ct);
    }

    public Task<ReceiptDto> RemoveAsync(IAccountKey admin, AccountId account, CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "remove", new CborMap { ["account"] = account.ToString() }, ct);

    public async Task<Member?> GetMemberAsync(AccountId account, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<Member>>(Contract, "member", new CborMap { ["account"] = account.ToString() }, ct)).Value;

    public async Task<IReadOnlyList<Organisation>> OrganisationsAsync(CancellationToken ct = default) =>
        (await node.QueryAsync<OrganisationList>(Contract, "organisations", new CborMap(), ct)).Organisations;

    /// <summary>An organisation's staff (every member but its patients), in account order: all of them, asked <paramref name="pageSize"/> members at a time.</summary>
    public async Task<IReadOnlyList<Member>> StaffAsync(string organisation, int pageSize = QueryPaging.MaxLimit, CancellationToken ct = default) =>
        await node.QueryAllAsync<StaffList, Member>(Contract, "staff", new CborMap { ["org"] = organisation }, pageSize, ct).ToListAsync(ct);

    /// <summary>
    /// An organisation's staff as (account, role), proven complete against a header a majority of the trusted validators
    /// signed (<see cref="ChainTrust"/>): what a record key may be wrapped for. Empty when the node says the organisation
    /// has no staff, which it cannot prove; hiding staff withholds access, never gives it.
    /// </summary>
    public async Task<IReadOnlyList<StaffSeat>> ProvenStaffAsync(string organisation, CancellationToken ct = default)
    {
        try
        {
            var entries = await node.Trust.ProvenAsync(node, StaffSeat.KeyPrefix + organisation + "/", ct);
            return [.. entries.Select(e => StaffSeat.FromCbor(CborMap.Decode(e.Value)))];
        }
        catch (NodeApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    /// <summary>The validators as (account, organisation), proven complete like <see cref="ProvenStaffAsync"/>.</summary>
    public async Task<IReadOnlyList<ValidatorSeat>> ProvenValidatorsAsync(CancellationToken ct = default) =>
        [.. (await node.Trust.ProvenAsync(node, ChainTrust.ValidatorsGroup, ct)).Select(e => Validator.FromCbor(CborMap.Decode(e.Value)))
            .Select(v => new ValidatorSeat(AccountId.FromPublicKey(v.PublicKey), v.Organisation))];

    /// <summary>
    /// Opens an invitation to the signing admin's organisation for <paramref name="role"/>, valid until <paramref name="expiry"/>,
    /// under the public half of a one-time key whose private half the admin hands to the invitee (<see cref="InvitationLink"/>).
    /// </summary>
    public Task<ReceiptDto> InviteAsync(IAccountKey admin, string invitation, byte[] oneTimePublicKey, string role, DateTimeOffset expiry, string? name = null,
        CancellationToken ct = default)
    {
        var args = new CborMap { ["invitation"] = invitation, ["role"] = role, ["key"] = oneTimePublicKey, ["expiry"] = expiry.ToUnixTimeMilliseconds() };
        if (!string.IsNullOrEmpty(name)) args["name"] = name;
        return node.CommitAsync(admin, Contract, "invite", args, ct);
    }

    /// <summary>Takes up an invitation for <paramref name="invitee"/>'s own account, proving with the one-time key that they hold the link.</summary>
    public async Task<ReceiptDto> AcceptInvitationAsync(IAccountKey invitee, string invitation, IAccountKey oneTimeKey, CancellationToken ct = default)
    {
        var chain = await node.GetChainAsync(ct);
        var proof = await oneTimeKey.SignAsync(Invitation.Acceptance(chain.ChainId, invitation, invitee.Account));
        return await node.CommitAsync(invitee, Contract, Invitations.AcceptAction, new CborMap { ["invitation"] = invitation, ["proof"] = proof }, ct);
    }

    public async Task<Invitation?> GetInvitationAsync(string invitation, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<Invitation>>(Contract, "invitation", new CborMap { ["invitation"] = invitation }, ct)).Value;

    /// <summary>An organisation's invitations; its staff ask (the client must read as one of them).</summary>
    public async Task<IReadOnlyList<Invitation>> InvitationsAsync(string organisation, CancellationToken ct = default) =>
        (await node.QueryAsync<InvitationList>(Contract, "invitations", new CborMap { ["org"] = organisation }, ct)).Invitations;
}

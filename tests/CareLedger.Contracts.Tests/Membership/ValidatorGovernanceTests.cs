using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tests.Membership;

/// <summary>The validator set changes only when admins of a majority of validating organisations agree.</summary>
public sealed class ValidatorGovernanceTests : IDisposable
{
    // Three validating organisations (clinic, pharmacy, insurer); the medical board runs no node.
    private readonly TestConsortium _chain = ConsortiumBuilder.Standard()
        .WithValidator("clinic-node", "city-clinic")
        .WithValidator("pharmacy-node", "corner-pharmacy")
        .WithValidator("insurer-node", "care-insurance")
        .Build();

    private readonly SigningKey _labNode = SigningKey.Generate();

    public void Dispose()
    {
        _chain.Dispose();
        _labNode.Dispose();
    }

    private ValidatorProposal Proposal(string id) => _chain.Query<Found<ValidatorProposal>>("membership", "proposal", new CborMap { ["id"] = id }).Value!;

    private IReadOnlySet<AccountId> CurrentValidators() => Validators.Keys(_chain.State).Select(k => AccountId.FromPublicKey(k)).ToHashSet();

    private TxResult ProposeLab(string admin = "clinic-admin") => _chain.Submit(admin, "membership", "propose-validator", new CborMap
    {
        ["organisation"] = "central-lab", ["name"] = "Central Laboratory", ["kind"] = OrganisationKinds.Laboratory, ["key"] = _labNode.PublicKey,
    });

    private static string ProposalId(TxResult result) =>
        result.Events.First(e => e.Name == "ValidatorChangeProposed").Attributes.GetText("proposal");

    [Fact]
    public void Genesis_ValidatorsAreOnTheLedgerWithTheirOrganisations()
    {
        var validators = _chain.Query<ValidatorList>("membership", "validators", new CborMap()).Validators;

        Assert.Equal(3, validators.Count);
        Assert.Contains(new ValidatorSeat(_chain.Account("clinic-node"), "city-clinic"), validators);
        Assert.Equal(new[] { "care-insurance", "city-clinic", "corner-pharmacy" }, validators.Select(v => v.Organisation).Order());
    }

    [Fact]
    public void ProposeValidator_OneOfThreeOrganisations_IsNotEnough()
    {
        var result = ProposeLab();

        Verdict.Valid(result);
        Assert.DoesNotContain(_labNode.Account, CurrentValidators());
        Assert.False(_chain.IsMember(_labNode.Account));
        Assert.Equal(ValidatorProposal.Open, Proposal(ProposalId(result)).Status);
    }

    [Fact]
    public void ProposeValidator_ApprovedByASecondOrganisation_JoinsWithANewOrganisationAndServiceMember()
    {
        var id = ProposalId(ProposeLab());

        var approval = _chain.Submit("pharmacy-admin", "membership", "approve", new CborMap { ["proposal"] = id });

        Verdict.Valid(approval);
        Assert.Contains(approval.Events, e => e.Name == "ValidatorAdded");
        Assert.Contains(_labNode.Account, CurrentValidators());
        Assert.Equal(4, CurrentValidators().Count);
        var member = _chain.Query<Found<Member>>("membership", "member", new CborMap { ["account"] = _labNode.Account.ToString() }).Value!;
        Assert.Equal("central-lab", member.Organisation);
        Assert.Equal(Roles.Service, member.Role);
        Assert.Equal(ValidatorProposal.Applied, Proposal(id).Status);
    }

    [Fact]
    public void Approve_SameOrganisationTwice_IsRefusedAndCountsOnce()
    {
        var id = ProposalId(ProposeLab());

        var again = _chain.Submit("clinic-admin", "membership", "approve", new CborMap { ["proposal"] = id });

        Verdict.Refused(again, "already approved");
        Assert.DoesNotContain(_labNode.Account, CurrentValidators());
    }

    [Theory]
    [InlineData("board-admin", "runs a validator")]   // an admin, but the board has no node
    [InlineData("dr-rivera", "only an organisation admin")]
    [InlineData("pharmacist-chen", "only an organisation admin")]
    public void ProposeValidator_ByAnyoneButAValidatingOrganisationsAdmin_IsRefusedAndChangesNothing(string sender, string reason)
    {
        var before = _chain.Snapshot("membership/");

        Verdict.Refused(ProposeLab(sender), reason);

        Assert.Equal(before, _chain.Snapshot("membership/"));
    }

    [Fact]
    public void ProposeValidator_KeyThatIsNotAPublicKey_IsRefused()
    {
        var result = _chain.Submit("clinic-admin", "membership", "propose-validator", new CborMap
        {
            ["organisation"] = "central-lab", ["kind"] = OrganisationKinds.Laboratory, ["key"] = new byte[] { 1, 2, 3 },
        });

        Verdict.Refused(result, "not a P-256 public key");
    }

    [Fact]
    public void ProposeRemoval_ApprovedByMajority_RemovesTheValidatorOnly()
    {
        var leaving = _chain.Account("insurer-node");
        var id = ProposalId(_chain.Submit("clinic-admin", "membership", "propose-removal", new CborMap { ["validator"] = leaving.ToString() }));
        Assert.Contains(leaving, CurrentValidators());

        Verdict.Valid(_chain.Submit("insurer-admin", "membership", "approve", new CborMap { ["proposal"] = id }));

        Assert.DoesNotContain(leaving, CurrentValidators());
        Assert.Equal(2, CurrentValidators().Count);
        Assert.True(_chain.IsMember(leaving)); // still the insurer's service account, just not signing blocks
    }

    [Fact]
    public void Approve_AfterTheProposalApplied_IsRefused()
    {
        var id = ProposalId(ProposeLab());
        Verdict.Valid(_chain.Submit("pharmacy-admin", "membership", "approve", new CborMap { ["proposal"] = id }));

        Verdict.Refused(_chain.Submit("insurer-admin", "membership", "approve", new CborMap { ["proposal"] = id }), "already applied");
    }
}

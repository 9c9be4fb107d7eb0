using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Services;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.State;

/// <summary>The state encodings docs/protocol.md pins, and the genesis forms that are read with the records' codecs.</summary>
public sealed class StateVectorTests
{
    [Fact]
    public void Encode_TokensRecords_MatchTheProtocolVectors()
    {
        Assert.Equal("a4646e616d656b4341524520637265646974666973737565726e636172652d696e737572616e636566737570706c791903e86673796d626f6c6443415245",
            Convert.ToHexStringLower(CborRecord.Encode(new Asset("CARE", "CARE credit", "care-insurance", 1000))));
        Assert.Equal("a166616d6f756e741819", Convert.ToHexStringLower(CborRecord.Encode(new Balance(25))));
    }

    [Fact]
    public void Encode_Member_CarriesItsAccount()
    {
        var account = AccountId.Parse("3e8ba8f1e0ac8613023e8d00498b187e9b0b60be928cf09beff722d519e3a4b7");

        var map = CborMap.Decode(CborRecord.Encode(new Member(account, "city-clinic", Roles.Patient, "Pat")));

        Assert.Equal(["account", "name", "org", "role"], map.Keys);
        Assert.Equal(account.ToString(), map.GetText("account"));
    }

    [Fact]
    public void FromGenesis_MemberWithoutName_HasAnEmptyName_WhileStateRequiresIt()
    {
        var map = new CborMap { ["account"] = AccountId.FromPublicKey([1]).ToString(), ["org"] = "city-clinic", ["role"] = Roles.Patient };

        Assert.Equal("", Member.FromGenesis(map).Name);
        Assert.Equal("'name' is missing", Assert.Throws<CborMapException>(() => Member.FromCbor(map)).Message);
    }

    [Fact]
    public void Genesis_ServicesTermWithAnUnknownName_StopsTheChainFromStarting()
    {
        var terms = ServicesWorld.StandardTerms();
        terms["platformFeeBp"] = 100L;

        var error = Assert.Throws<CborMapException>(() => new ServicesWorld().WithTerms(terms).Build());

        Assert.Equal("unknown field 'platformFeeBp'", error.Message);
    }

    [Fact]
    public void FromCbor_ValidatorProposalWithOnlySomeJoinFields_IsRefused()
    {
        var proposal = new ValidatorProposal(ValidatorProposal.Joins, AccountId.FromPublicKey([1]), AccountId.FromPublicKey([2]), [], ValidatorProposal.Open,
            new ValidatorJoin("central-lab", "Central Lab", OrganisationKinds.Laboratory, [1, 2, 3]));
        var map = proposal.ToCbor();
        map.Remove("key");

        Assert.Equal("'key' is missing", Assert.Throws<CborMapException>(() => ValidatorProposal.FromCbor(map)).Message);
    }
}

using CareLedger.Client.Api;
using CareLedger.Client.Consortium;
using CareLedger.Client.Licensing;
using CareLedger.Client.Membership;
using CareLedger.Client.Tokens;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>The SDK's typed contract clients over the demo node: actions return receipts or the contract's refusal, queries their answer records.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ContractClientsTests(DemoNodeFixture demo)
{
    private TokensClient Tokens => new(demo.Client);

    [Fact]
    public async Task Tokens_MintToANewlyRegisteredMember_IsTheirBalance_ToThemNotToOthers()
    {
        using var newcomer = SigningKey.Generate();
        await new MembershipClient(demo.Client).RegisterAsync(demo.Keys["clinic-admin"], newcomer.Account, Roles.Patient, null);

        var receipt = await Tokens.MintAsync(demo.Keys["insurer-admin"], "CARE", newcomer.Account, 40);
        var balance = await Tokens.As(newcomer).BalanceAsync("CARE", newcomer.Account);
        var toAnother = await Assert.ThrowsAsync<NodeApiException>(() => Tokens.As(demo.Keys["dr-rivera"]).BalanceAsync("CARE", newcomer.Account));

        Assert.Contains(receipt.Events!, e => e.Contract == TokensClient.Contract);
        Assert.Equal(("CARE", newcomer.Account, 40L), (balance.Asset, balance.Account, balance.Balance));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, toAnother.Status);
    }

    [Fact]
    public async Task Tokens_TransferBeyondTheBalance_ThrowsTheContractsRefusalWithItsTransaction()
    {
        var patient = demo.Keys["patient-jones"];
        var before = (await Tokens.As(patient).BalanceAsync("CARE", patient.Account)).Balance;

        var refusal = await Assert.ThrowsAsync<ContractActionException>(() => Tokens.TransferAsync(patient, "CARE", demo.Account("dr-rivera"), before + 1, "too much"));

        Assert.False(refusal.Pending);
        Assert.StartsWith($"tokens.transfer refused: insufficient funds: balance {before} CARE", refusal.Message);
        Assert.EndsWith($"(transaction {refusal.TxId}, block {refusal.Refusal!.Height})", refusal.Message);
        Assert.Equal(before, (await Tokens.As(patient).BalanceAsync("CARE", patient.Account)).Balance);
    }

    [Fact]
    public async Task Tokens_AssetAndAnEmptyEscrow_AreTheRecordAndNull()
    {
        var asset = await Tokens.GetAssetAsync("CARE");

        Assert.Equal(("CARE", "care-insurance"), (asset!.Symbol, asset.Issuer));
        Assert.Null(await Tokens.GetAssetAsync("NOPE"));
        Assert.Null(await Tokens.As(demo.Keys["health-auditor"]).GetEscrowAsync(TokensClient.Contract, "no-such-escrow"));
        await Assert.ThrowsAsync<NodeApiException>(() => Tokens.As(demo.Keys["patient-jones"]).GetEscrowAsync(TokensClient.Contract, "no-such-escrow"));
    }

    [Fact]
    public async Task Licensing_DemoDoctorAndAnUnknownAccount_AreVerdictsWithAndWithoutALicence()
    {
        using var stranger = SigningKey.Generate();
        var licensing = new LicensingClient(demo.Client);

        var rivera = await licensing.VerifyAsync(demo.Account("dr-rivera"));
        var none = await licensing.VerifyAsync(stranger.Account);

        Assert.True(rivera.Valid);
        Assert.Equal(("general-practice", demo.Account("dr-rivera")), (rivera.Licence!.Specialty, rivera.Licence.Practitioner));
        Assert.False(none.Valid);
        Assert.Null(none.Licence);
        Assert.Contains("holds no licence", none.Reason);
    }

    [Fact]
    public async Task Membership_DemoMembersAndOrganisations_AreRecords_AndStaffListsNoPatients()
    {
        using var stranger = SigningKey.Generate();
        var membership = new MembershipClient(demo.Client);

        var jones = await membership.As(demo.Keys["patient-jones"]).GetMemberAsync(demo.Account("patient-jones"));
        var organisations = await membership.OrganisationsAsync();
        var clinic = await membership.StaffAsync("city-clinic");

        Assert.Equal(("city-clinic", Roles.Patient, ""), (jones!.Organisation, jones.Role, jones.Name)); // a patient is not named on the ledger
        Assert.DoesNotContain(clinic, m => m.Role == Roles.Patient);
        Assert.Null(await membership.GetMemberAsync(stranger.Account));
        Assert.Contains(organisations, o => o.Id == "corner-pharmacy");
        Assert.Contains(clinic, m => m.Account == demo.Account("dr-rivera") && m.Role == Roles.Practitioner);
        Assert.All(clinic, m => Assert.Equal("city-clinic", m.Organisation));
    }

    [Fact]
    public async Task StaffAsync_SmallPages_FindsTheSameStaffAsOnePage()
    {
        var membership = new MembershipClient(demo.Client);

        var onePage = await membership.StaffAsync("city-clinic");
        var smallPages = await membership.StaffAsync("city-clinic", pageSize: 2);

        Assert.True(onePage.Count > 2);
        Assert.Equal(onePage.Select(m => m.Account), smallPages.Select(m => m.Account));
    }

    [Fact]
    public async Task Consortium_ValidatorsAndAnUnknownProposal_HoldTheNodesSeatAndNull()
    {
        var consortium = new ConsortiumClient(demo.Client);

        var validators = await consortium.ValidatorsAsync();

        Assert.Contains(validators, v => v.Account == demo.Node.Keys.Account && v.Organisation.Length > 0);
        Assert.Null(await consortium.GetProposalAsync(Hash256.Of([1, 2, 3])));
    }
}

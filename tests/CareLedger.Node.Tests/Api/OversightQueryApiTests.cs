using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Licensing;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Services;
using CareLedger.Client.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// The reads the insurer's, the board's and the wallet's pages ask the node, over signed HTTP as each demo person: each
/// answers the people it is for (and the auditor) and refuses everyone else with 403.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class OversightQueryApiTests(DemoNodeFixture demo)
{
    private ServicesClient Services(string who) => new(demo.Client.As(demo.Keys[who]));

    [Theory]
    [InlineData("insurer-admin")]
    [InlineData("health-auditor")]
    public async Task Insured_AnswersTheInsurersStaffAndTheAuditor_WithItsCoverageOfTheDemoPatient(string who)
    {
        var book = await Services(who).GetInsuredAsync("care-insurance");

        Assert.Contains(book.Coverage, c => c.Patient == demo.Account("patient-jones"));
        Assert.All(book.Bookings, b => Assert.Equal(("", ""), (b.Symptoms, b.Summary)));
    }

    [Theory]
    [InlineData("clinic-admin")]
    [InlineData("patient-jones")]
    [InlineData("dr-rivera")]
    public async Task Insured_RefusesAnyoneElse(string who) =>
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<NodeApiException>(() => Services(who).GetInsuredAsync("care-insurance"))).Status);

    [Theory]
    [InlineData("board-admin")]
    [InlineData("health-auditor")]
    public async Task Disputes_AnswerTheArbitratorsAdminAndTheAuditor(string who) => Assert.NotNull(await Services(who).GetDisputesAsync());

    [Theory]
    [InlineData("insurer-admin")]
    [InlineData("clinic-admin")]
    [InlineData("patient-jones")]
    [InlineData("dr-rivera")]
    public async Task Disputes_RefuseAnyoneElse(string who) =>
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<NodeApiException>(() => Services(who).GetDisputesAsync())).Status);

    [Fact]
    public async Task Transfers_AnswerTheAccountItself_AndRefuseAnotherMember()
    {
        var mine = await new TokensClient(demo.Client.As(demo.Keys["patient-jones"])).TransfersAsync(demo.Account("patient-jones"));
        var refused = await Assert.ThrowsAsync<NodeApiException>(() =>
            new TokensClient(demo.Client.As(demo.Keys["dr-rivera"])).TransfersAsync(demo.Account("patient-jones")));

        Assert.Contains(mine, t => t.From is null && t.To == demo.Account("patient-jones"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task Transfers_ShowATransferWithItsNoteToBothParties_InBlockOrder_AndTheAuditorMayReadThem()
    {
        var (patient, doctor) = (demo.Keys["patient-jones"], demo.Keys["dr-rivera"]);
        var memo = "thanks " + Guid.NewGuid().ToString("N")[..8];
        var receipt = await new TokensClient(demo.Client).TransferAsync(patient, "CARE", doctor.Account, 3, memo);

        var mine = await new TokensClient(demo.Client.As(patient)).TransfersAsync(patient.Account);
        var theirs = await new TokensClient(demo.Client.As(doctor)).TransfersAsync(doctor.Account);
        var audited = await new TokensClient(demo.Client.As(demo.Keys["health-auditor"])).TransfersAsync(patient.Account);

        var sent = Assert.Single(mine, t => t.Memo == memo);
        Assert.Equal((patient.Account, doctor.Account, 3L, "CARE", receipt.TxId), ((AccountId)sent.From!, sent.To, sent.Amount, sent.Asset, sent.Transaction));
        Assert.Contains(theirs, t => t.Memo == memo && t.To == doctor.Account);
        Assert.Equal(mine.Select(t => t.Transaction), audited.Select(t => t.Transaction));
        Assert.Equal(mine.OrderBy(t => t.Time).Select(t => t.Time), mine.Select(t => t.Time));
    }

    [Fact]
    public async Task Licences_AnswerAnyone_WithTheDemoDoctorsLicence() =>
        Assert.Contains(await new LicensingClient(demo.Client).ListAsync(), l => l.Practitioner == demo.Account("dr-rivera") && l.Specialty == "general-practice");

    [Fact]
    public async Task PrescriptionFund_AnswersTheInsurersStaff_AndRefusesAnotherOrganisation()
    {
        var fund = await new PrescriptionsClient(demo.Client.As(demo.Keys["insurer-admin"])).FundAsync("care-insurance", "CARE");
        var refused = await Assert.ThrowsAsync<NodeApiException>(() =>
            new PrescriptionsClient(demo.Client.As(demo.Keys["clinic-admin"])).FundAsync("care-insurance", "CARE"));

        Assert.Equal(("care-insurance", "CARE"), (fund.Org, fund.Asset));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }
}

using CareLedger.Contracts.Services;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The doctor answers a dispute the patient opened; the arbitrator (the National Medical Board in the demo's terms) reads
/// both statements and splits the escrow in the portal: the patient gets the refund, the doctor the rest less the
/// platform's fee, to the unit.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalDisputeTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    [Fact]
    public async Task PatientDisputesAConsultation_DoctorAnswers_ArbitratorReadsBothAndSplitsIt_AndEveryBalanceMovesByExactlyItsShare()
    {
        var id = await _people.BookAsync();
        await _people.Services("dr-rivera").AcceptAsync(_people.Key("dr-rivera"), id);
        await _people.Services("patient-jones").DisputeAsync(_people.Key("patient-jones"), id, "The doctor left after two minutes.");
        var price = (await _people.Services("patient-jones").GetBookingAsync(id))!.Price;
        var (patientBefore, doctorBefore) = (await _people.BalanceAsync("patient-jones"), await _people.BalanceAsync("dr-rivera"));
        var operatorBefore = await _people.TreasuryAsync("platform", "platform-admin");
        await using var doctorContext = await fx.Browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await DemoPeople.NavAsync(doctor, "Consultations");
        var row = doctor.Locator($"tr[data-booking='{id}']");
        await Assertions.Expect(row.GetByTestId("dispute-statement")).ToHaveTextAsync("Disputed: The doctor left after two minutes.", new() { Timeout = Slow });
        await row.GetByLabel("Your answer for the arbitrator").FillAsync("The connection dropped; I called back twice.");
        await row.GetByRole(AriaRole.Button, new() { Name = "Send the answer" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("dispute-answer")).ToHaveTextAsync("Your answer to the arbitrator: The connection dropped; I called back twice.", new() { Timeout = Slow });
        await ScreenshotAsync(doctor, "doctor-answers-dispute");

        await using var context = await fx.Browser.NewContextAsync();
        var board = await SignInAsDemoAsync(fx, context, "Board registrar");

        await DemoPeople.NavAsync(board, "Disputes");
        var dispute = board.Locator($"article[data-booking='{id}']");
        await Assertions.Expect(dispute.GetByTestId("statement")).ToHaveTextAsync("The doctor left after two minutes.", new() { Timeout = Slow });
        await Assertions.Expect(dispute.GetByTestId("answer")).ToHaveTextAsync("The connection dropped; I called back twice.");
        await Assertions.Expect(dispute.GetByTestId("status")).ToHaveTextAsync("Disputed: with the arbitrator");
        await Assertions.Expect(dispute).ToContainTextAsync("Dr. Ana Rivera");
        await dispute.GetByLabel("Split").CheckAsync();
        await dispute.GetByLabel("Refund to the payer").FillAsync("20");
        await ScreenshotAsync(board, "arbitrator-disputes");
        await dispute.GetByRole(AriaRole.Button, new() { Name = "Decide" }).ClickAsync();

        await Assertions.Expect(dispute.GetByTestId("status")).ToContainTextAsync("Decided (split between them): 20 CARE refunded", new() { Timeout = Slow });
        var settled = (await _people.Services("patient-jones").GetBookingAsync(id))!;
        var fee = (await _people.Services("patient-jones").GetTermsAsync()).FeeOn(price - 20);
        Assert.Equal((BookingStatus.Resolved, DisputeDecisions.Split, 20L, price - 20 - fee, fee), (settled.Status, settled.Dispute!.Decision, settled.Refunded, settled.Paid, settled.Fee));
        Assert.Equal(patientBefore + 20, await _people.BalanceAsync("patient-jones"));
        Assert.Equal(doctorBefore + price - 20 - fee, await _people.BalanceAsync("dr-rivera"));
        Assert.Equal(operatorBefore + fee, await _people.TreasuryAsync("platform", "platform-admin"));
        Assert.Equal("The connection dropped; I called back twice.", settled.Dispute.Answer);
        await Assertions.Expect(dispute.GetByRole(AriaRole.Button, new() { Name = "Decide" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnAdminOfAnotherOrganisation_IsShownNoDisputes_AndTheNodeRefusesThemTheList()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var insurer = await SignInAsDemoAsync(fx, context, "Insurer administrator");

        await Assertions.Expect(insurer.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Disputes" })).ToHaveCountAsync(0);
        await insurer.EvaluateAsync("url => Blazor.navigateTo(url)", "disputes");
        await Assertions.Expect(insurer.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This page is for the admins of the organisation that arbitrates disputes.", new() { Timeout = Slow });
        await Assert.ThrowsAsync<CareLedger.Client.Api.NodeApiException>(() => _people.Services("insurer-admin").GetDisputesAsync());
    }
}

using CareLedger.Contracts.Services;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The wallet: a patient sees their balance, its history and what the ledger holds in escrow for their consultations, and
/// sends credits.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalWalletTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    [Fact]
    public async Task PatientSeesBalanceAndEscrow_SendsCreditsToAMember_AndAnOverdraftIsRefusedWithOneSentence()
    {
        var booking = await _people.BookAsync();
        var (patientBefore, doctorBefore) = (await _people.BalanceAsync("patient-jones"), await _people.BalanceAsync("dr-rivera"));
        var held = (await _people.Services("patient-jones").ListBookingsAsync(patient: _people.Key("patient-jones").Account))
            .Where(b => b.Insurer.Length == 0 && BookingStatus.HoldsEscrow(b.Status)).Sum(b => b.Price);
        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");

        await DemoPeople.NavAsync(page, "Wallet");
        await Assertions.Expect(page.GetByTestId("balance")).ToHaveTextAsync($"{patientBefore} CARE", new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("held")).ToHaveTextAsync($"{held} CARE");
        await Assertions.Expect(page.Locator($"tr[data-booking='{booking}']")).ToContainTextAsync("Your wallet");
        await page.GetByLabel("To (the member's account id)").FillAsync(_people.Key("dr-rivera").Account.ToString());
        await page.GetByLabel("Amount").FillAsync("7");
        await page.GetByLabel("Note").FillAsync("thank you");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("done")).ToContainTextAsync("Sent 7 CARE", new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("balance")).ToHaveTextAsync($"{patientBefore - 7} CARE");
        var sent = (await _people.Tokens("patient-jones").TransfersAsync(_people.Key("patient-jones").Account)).Last();
        Assert.Equal((_people.Key("dr-rivera").Account, 7L, "thank you"), (sent.To, sent.Amount, sent.Memo));
        var line = page.GetByTestId("history").Locator($"tr[data-tx='{sent.Transaction}']");
        await Assertions.Expect(line).ToContainTextAsync("Sent to Dr. Ana Rivera");
        await Assertions.Expect(line).ToContainTextAsync("−7 CARE");
        await Assertions.Expect(line).ToContainTextAsync("thank you");
        await ScreenshotAsync(page, "patient-wallet");
        Assert.Equal(patientBefore - 7, await _people.BalanceAsync("patient-jones"));
        Assert.Equal(doctorBefore + 7, await _people.BalanceAsync("dr-rivera"));

        await page.GetByLabel("To (the member's account id)").FillAsync(_people.Key("dr-rivera").Account.ToString());
        await page.GetByLabel("Amount").FillAsync((patientBefore + 1_000).ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            $"Insufficient funds: balance {patientBefore - 7} CARE, transfer {patientBefore + 1_000}.", new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("balance")).ToHaveTextAsync($"{patientBefore - 7} CARE");
        Assert.Equal(patientBefore - 7, await _people.BalanceAsync("patient-jones"));
        Assert.Equal(doctorBefore + 7, await _people.BalanceAsync("dr-rivera"));
    }
}

using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// E-mail preferences in the portal (ADR 0018): a patient sets an address on the Notifications page, their doctor accepts
/// a booking, and the node's SMTP server (aiosmtpd, started by the fixture) receives one mail with the slot's time and no
/// clinical content; forgetting the address from the page stops the mail.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalMailTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    [Fact]
    public async Task APatientSetsAnAddressInTheBrowser_TheDoctorAccepts_AndOneMailArrives_UntilTheAddressIsForgotten()
    {
        var address = $"sam-{Guid.NewGuid().ToString("N")[..8]}@example.org";
        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await DemoPeople.NavAsync(page, "Notifications");
        var form = page.GetByTestId("notification-preferences");
        await Assertions.Expect(form).ToBeVisibleAsync(new() { Timeout = Slow });

        await page.GetByLabel("E-mail address (leave empty for no e-mail)").FillAsync(address);
        await page.GetByLabel("Reminders before a consultation").UncheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notifications-status")).ToHaveTextAsync("Your notification choices are saved.", new() { Timeout = Slow });
        var booking = await _people.BookAsync();
        await _people.Services("dr-rivera").AcceptAsync(_people.Key("dr-rivera"), booking);

        var mail = await fx.Smtp.WaitForAsync(address, m => (m.TextBody ?? "").Contains(booking));
        await page.GetByTestId("forget-preferences").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notifications-status")).ToHaveTextAsync("Your e-mail address and choices are forgotten.", new() { Timeout = Slow });
        await Assertions.Expect(page.GetByLabel("E-mail address (leave empty for no e-mail)")).ToHaveValueAsync("");
        var later = await _people.BookAsync();
        await _people.Services("dr-rivera").AcceptAsync(_people.Key("dr-rivera"), later);
        await Task.Delay(2000);

        Assert.Equal("CareLedger: Your consultation was accepted", mail.Subject);
        Assert.Contains("Dr. Ana Rivera accepted your consultation for ", mail.TextBody);
        Assert.DoesNotContain("Sam Jones", mail.TextBody);
        Assert.DoesNotContain(new string('c', 64), mail.TextBody);
        Assert.Single(fx.Smtp.To(address));
        await _people.Services("patient-jones").CancelAsync(_people.Key("patient-jones"), booking);
        await _people.Services("patient-jones").CancelAsync(_people.Key("patient-jones"), later);
    }
}

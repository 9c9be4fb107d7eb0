using System.Security.Cryptography;
using CareLedger.Client.Records;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Live notices in the portal, without reloading: what others do on the ledger (here through the SDK, as their own
/// portals or the CLI would) shows up at once in the signed-in person's header, counted, worded in their language.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalNotificationsTests(BrowserFixture fx) : IDisposable
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private readonly DemoPeople _people = new(fx);
    private SigningKey Key(string name) => _people.Key(name);

    public void Dispose() => _people.Dispose();

    private static async Task<IPage> ListeningAsync(BrowserFixture fx, IBrowserContext context, string persona)
    {
        var page = await SignInAsDemoAsync(fx, context, persona);
        await Assertions.Expect(page.Locator(".notices[data-live=on]")).ToBeVisibleAsync(new() { Timeout = Slow });
        return page;
    }

    [Fact]
    public async Task APatientIsToldAtOnceWhenTheDoctorAcceptsTheirBooking_AndABreakGlassReadStandsOutAsUrgent()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await ListeningAsync(fx, context, "Sam Jones");
        var (patient, doctor) = (Key("patient-jones"), Key("dr-rivera"));
        var services = new ServicesClient(fx.Node.Client);
        var slot = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeMilliseconds() / 60_000 * 60_000 + RandomNumberGenerator.GetInt32(1, 100_000) * 60_000L;
        var booking = "live-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(doctor, [slot], 30);
        await services.BookAsync(patient, new BookingRequest(booking, doctor.Account.ToString(), slot, "video", Symptoms));

        await services.AcceptAsync(doctor, booking);

        await Assertions.Expect(page.GetByTestId("notice-count")).ToBeVisibleAsync(new() { Timeout = Slow });
        await page.GetByTestId("notices").ClickAsync();
        var accepted = page.GetByTestId("notice").Filter(new() { HasText = "Dr. Ana Rivera accepted your consultation." });
        await Assertions.Expect(accepted).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("notice-count")).ToHaveCountAsync(0); // seen once the list is open

        var records = new RecordsClient(fx.Node.Client);
        var added = await records.AddAsync(patient, patient.Account, """{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"valueQuantity":{"value":70,"unit":"/min"}}""");
        await records.ReadAsync(doctor, added.Record, breakGlassReason: "found unconscious");

        var urgent = page.Locator("[data-testid=notice].urgent").Filter(new() { HasText = "Dr. Ana Rivera opened one of your records in an emergency (break-glass)." });
        await Assertions.Expect(urgent).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(urgent.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "access-log");
        await ScreenshotAsync(page, "notifications");
        await services.CancelAsync(patient, booking);
    }

    [Fact]
    public async Task ARecordTheDoctorAddsForThePatient_AppearsOnThePatientsDashboardAndInTheirNotices_WithoutReloading()
    {
        var (patient, doctor) = (Key("patient-jones"), Key("dr-rivera"));
        var records = new RecordsClient(fx.Node.Client);
        await records.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));
        await using var context = await fx.Browser.NewContextAsync();
        var page = await ListeningAsync(fx, context, "Sam Jones");
        await Assertions.Expect(page.GetByText("Nothing new in the last 30 days.").Or(page.GetByTestId("new-results"))).ToBeVisibleAsync(new() { Timeout = Slow });
        var before = await page.GetByTestId("new-results").Locator("li").CountAsync();

        var added = await records.AddAsync(doctor, patient.Account, """{"resourceType":"Observation","status":"final","code":{"text":"blood pressure"},"valueQuantity":{"value":128,"unit":"mmHg"}}""");

        await Assertions.Expect(page.GetByTestId("new-results").Locator($"a[href='records/{added.Record}']")).ToBeVisibleAsync(new() { Timeout = Slow });
        await page.GetByTestId("notices").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice").Filter(new() { HasText = "Dr. Ana Rivera added a record to your records." }).First).ToBeVisibleAsync();
        Assert.True(await page.GetByTestId("new-results").Locator("li").CountAsync() >= Math.Min(before + 1, 5));
    }

    [Fact]
    public async Task ADoctorIsToldWhenAPatientSharesRecordsWithThem_InSpanishIfTheirBrowserSpeaksIt_AndOthersAreNot()
    {
        await using var doctorContext = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        await using var pharmacistContext = await fx.Browser.NewContextAsync();
        var doctorPage = await ListeningAsync(fx, doctorContext, "Dr. Ana Rivera");
        var pharmacistPage = await ListeningAsync(fx, pharmacistContext, "Li Chen");

        await new RecordsClient(fx.Node.Client).GrantAsync(Key("patient-jones"), Key("dr-rivera").Account.ToString(), null, "treatment", [],
            ["Observation"], DateTimeOffset.UtcNow.AddDays(1));

        await Assertions.Expect(doctorPage.GetByTestId("notice-count")).ToBeVisibleAsync(new() { Timeout = Slow });
        await doctorPage.GetByTestId("notices").ClickAsync();
        await Assertions.Expect(doctorPage.GetByTestId("notice").Filter(new() { HasText = "Un paciente compartió registros con usted." })).ToBeVisibleAsync();
        await pharmacistPage.GetByTestId("notices").ClickAsync();
        await Assertions.Expect(pharmacistPage.GetByText("Nothing new since you signed in.")).ToBeVisibleAsync();
    }
}

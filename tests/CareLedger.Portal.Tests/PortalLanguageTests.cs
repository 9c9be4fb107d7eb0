using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>The portal in English and Spanish: chosen by the browser's language or by the person, kept across reloads.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalLanguageTests(BrowserFixture fx)
{
    [Fact]
    public async Task APatientSwitchesToSpanish_ThePortalSpeaksSpanishAfterTheReload_AndTheyStaySignedIn()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "en-US" });
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true })).ToBeVisibleAsync();

        await page.GetByLabel("Language").SelectOptionAsync("es");

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Mis registros", Exact = true })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Sam Jones (paciente)");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" })).ToBeVisibleAsync();

        // The choice is this browser's: a new page opens in Spanish too, and switching back gives English.
        var again = await context.NewPageAsync();
        await again.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());
        await again.GetByLabel("Idioma").SelectOptionAsync("en", new() { Timeout = Slow });
        await Assertions.Expect(again.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true })).ToBeVisibleAsync(new() { Timeout = Slow });
    }

    [Fact]
    public async Task ABrowserSetToMexicanSpanish_OpensThePortalInSpanish_WithoutChoosing()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-MX" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pruebe la demostración como…" })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es-MX");
        await Assertions.Expect(page.GetByLabel("Idioma")).ToHaveValueAsync("es");
    }
}

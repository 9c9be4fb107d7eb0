using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The portal in Spanish, page by page, as each of its people reaches it: every phrase a page asks for has a Spanish
/// translation (the portal writes "[i18n] missing: …" to the console otherwise) and the page's heading is in Spanish.
/// Covers the pages translated so far; the others join the list as they are translated.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalSpanishPagesTests(BrowserFixture fx)
{
    [Theory]
    [InlineData("Sam Jones", new[] { "records", "records/new", "trends", "sharing", "access-log" }, new[] { "Mis registros", "Añadir un registro", "Mis mediciones a lo largo del tiempo", "Quién puede leer mis registros", "Quién leyó mis registros" })]
    [InlineData("Dr. Ana Rivera", new[] { "prescribe" }, new[] { "Recetar" })]
    [InlineData("Li Chen", new[] { "dispense", "keys" }, new[] { "Dispensar una receta", "Sus claves" })]
    [InlineData("Clinic administrator", new[] { "members" }, new[] { "Miembros e invitaciones" })]
    public async Task EachPersonsPages_RenderInSpanish_WithoutAMissingPhrase(string persona, string[] pages, string[] headings)
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        var missing = new List<string>();
        context.Console += (_, message) => { if (message.Text.Contains("[i18n] missing", StringComparison.Ordinal)) missing.Add(message.Text); };
        var page = await SignInAsDemoAsync(fx, context, persona);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es-ES");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hola", new() { Timeout = Slow });
        if (await page.GetByTestId("record-count").CountAsync() > 0) // a patient's dashboard counts their records once opened
            await Assertions.Expect(page.GetByTestId("record-count")).Not.ToHaveTextAsync("…", new() { Timeout = Slow });
        await ScreenshotAsync(page, "es-home-" + persona.Split(' ')[0].ToLowerInvariant().TrimEnd('.'));

        foreach (var (href, heading) in pages.Zip(headings))
        {
            await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/" + href).ToString()); // a reload keeps the session
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading, new() { Timeout = Slow });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(300); // pages finish loading their lists after the heading
            await ScreenshotAsync(page, "es-" + href.Replace('/', '-'));
        }
        Assert.True(missing.Count == 0, "phrases without Spanish:\n" + string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public async Task AWrongPassphrase_IsOneSpanishSentence_NamingTheKey()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/keys").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sus claves", Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
        await page.Locator("input[type=file]").SetInputFilesAsync(DemoKeyFile(fx, "dr-rivera"));
        await page.GetByLabel("Su frase de contraseña").FillAsync("not-the-passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Importar clave" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Frase de contraseña incorrecta para la clave «dr-rivera» (o el archivo de clave está dañado).", new() { Timeout = Slow });
    }
}

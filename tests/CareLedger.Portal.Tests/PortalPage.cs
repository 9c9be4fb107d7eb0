using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>Opening the portal in a fresh browser context (so a fresh IndexedDB), and waiting for Blazor to start.</summary>
internal static class PortalPage
{
    /// <summary>WebAssembly start and PBKDF2 at 600,000 iterations are slow on a busy 2-core machine.</summary>
    public const float Slow = 60_000;

    public static async Task<IPage> OpenKeysAsync(BrowserFixture fx)
    {
        var page = await fx.OpenAsync("portal/keys");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your keys", Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "In this browser" })).ToBeVisibleAsync(new() { Timeout = Slow });
        return page;
    }

    public static async Task ImportAsync(IPage page, string keyFile, string passphrase)
    {
        await page.Locator("input[type=file]").SetInputFilesAsync(keyFile);
        await page.GetByLabel("Its passphrase").FillAsync(passphrase);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import key" }).ClickAsync();
    }

    /// <summary>Saves a screenshot of the page in TestResults/portal, where CI keeps the test output and README takes its pictures.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(CareLedger.Testing.NodeProcess.RepoRoot, "TestResults", "portal");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>Opens the portal in a browser context and signs in as a demo persona (the home page lists them).</summary>
    public static Task<IPage> SignInAsDemoAsync(BrowserFixture fx, IBrowserContext context, string persona) =>
        SignInAsDemoAsync(fx.Node.BaseAddress, context, persona);

    /// <summary>Opens the portal of the node at <paramref name="node"/> and signs in as one of its demo personas.</summary>
    public static async Task<IPage> SignInAsDemoAsync(Uri node, IBrowserContext context, string persona)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(node, "portal/").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = persona }).ClickAsync(new() { Timeout = Slow });
        // Whatever the page's language: the header names who is signed in, or the sign-in panel says why not.
        await Assertions.Expect(page.GetByTestId("signed-in-as").Or(page.GetByRole(AriaRole.Alert))).ToBeVisibleAsync(new() { Timeout = Slow });
        if (await page.GetByRole(AriaRole.Alert).CountAsync() > 0) Assert.Fail("sign-in refused: " + await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        return page;
    }

    public static string DemoKeyFile(BrowserFixture fx, string name) => Path.Combine(fx.Node.DataDir, "demo-keys", name + ".key.json");
}

using CareLedger.Testing;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>One demo node and one headless Debian Chromium, shared by the portal tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public InProcessNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium");
        Node = await InProcessNode.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> OpenAsync(string fragment = "")
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(new Uri(Node.BaseAddress, "/" + fragment).ToString());
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "portal";
}

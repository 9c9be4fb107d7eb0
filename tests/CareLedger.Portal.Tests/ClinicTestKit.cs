using CareLedger.Client.Services;
using CareLedger.Client.Tokens;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>The demo's keys, loaded once per test, and the SDK clients the clinical tests check the ledger with.</summary>
internal sealed class ClinicTestKit(BrowserFixture fx) : IDisposable
{
    public const string Asset = "CARE";
    private readonly KeyStore _keys = new(Path.Combine(fx.Node.DataDir, "demo-keys"));
    private readonly Dictionary<string, SigningKey> _loaded = [];

    public SigningKey Key(string name) => _loaded.TryGetValue(name, out var k) ? k : _loaded[name] = _keys.Load(name, "demo");

    public Client.Api.NodeClient As(string name) => fx.Node.Client.As(Key(name));

    public ServicesClient Services(string name) => new(As(name));

    public async Task<long> BalanceAsync(string name) => (await new TokensClient(As(name)).BalanceAsync(Asset, Key(name).Account)).Balance;

    /// <summary>A browser context in UTC, so that the times typed into forms are the times the test computes.</summary>
    public static Task<IBrowserContext> ContextAsync(BrowserFixture fx) => fx.Browser.NewContextAsync(new() { TimezoneId = "UTC", Locale = "en-GB" });

    /// <summary>Follows a link of the main navigation, within the app (a reload would forget the unlocked key).</summary>
    public static Task NavAsync(IPage page, string link) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();

    public void Dispose()
    {
        foreach (var key in _loaded.Values) key.Dispose();
    }
}

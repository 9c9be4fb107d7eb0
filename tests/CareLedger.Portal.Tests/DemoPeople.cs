using CareLedger.Client.Services;
using CareLedger.Client.Tokens;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>The demo personas' keys, loaded once per test, and what the tests read and do with them through the SDK, outside the browser.</summary>
internal sealed class DemoPeople(BrowserFixture fx) : IDisposable
{
    public const string Asset = "CARE";
    private readonly KeyStore _keys = new(Path.Combine(fx.Node.DataDir, "demo-keys"));
    private readonly Dictionary<string, SigningKey> _loaded = [];

    public SigningKey Key(string name) => _loaded.TryGetValue(name, out var k) ? k : _loaded[name] = _keys.Load(name, "demo");

    public ServicesClient Services(string name) => new(fx.Node.Client.As(Key(name)));

    public TokensClient Tokens(string name) => new(fx.Node.Client.As(Key(name)));

    public async Task<long> BalanceAsync(string name) => (await Tokens(name).BalanceAsync(Asset, Key(name).Account)).Balance;

    public async Task<long> TreasuryAsync(string org, string staff) => (await Services(staff).GetTreasuryAsync(org, Asset)).Amount;

    /// <summary>A fresh slot of Dr. Rivera some days ahead, at a random minute so that no other test's slot is the same.</summary>
    public async Task<long> AddSlotAsync()
    {
        var day = DateTimeOffset.UtcNow.Date.AddDays(3 + Random.Shared.Next(0, 300));
        var start = new DateTimeOffset(day, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 24 * 60 / 5) * 5).ToUnixTimeMilliseconds();
        await Services("dr-rivera").AddSlotsAsync(Key("dr-rivera"), [start], 5);
        return start;
    }

    /// <summary>Books a fresh slot of Dr. Rivera for Sam Jones, as the SDK does for the portal; returns the booking's id.</summary>
    public async Task<string> BookAsync(string? insurer = null)
    {
        var start = await AddSlotAsync();
        var id = "bk-test-" + Guid.NewGuid().ToString("N")[..12];
        await Services("patient-jones").BookAsync(Key("patient-jones"), new BookingRequest(id, Key("dr-rivera").Account.ToString(), start, "video", new string('c', 64), insurer));
        return id;
    }

    public void Dispose()
    {
        foreach (var key in _loaded.Values) key.Dispose();
    }

    /// <summary>Follows a link of the main navigation, within the app (a reload would forget the unlocked key).</summary>
    public static Task NavAsync(IPage page, string link) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync(new() { Timeout = PortalPage.Slow });
}

using CareLedger.Client.Records;
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

    private readonly List<(string Patient, string Grant)> _grants = [];

    /// <summary>A grant the test needs, withdrawn by <see cref="WithdrawGrantsAsync"/>: the next test finds the patient sharing only what it shares.</summary>
    public async Task<string> GrantAsync(string patient, string grantee, IReadOnlyList<string> types, IReadOnlyList<string>? records = null, string purpose = "treatment")
    {
        var id = await new RecordsClient(As(patient)).GrantAsync(Key(patient), Key(grantee).Account.ToString(), null, purpose, records ?? [], types, DateTimeOffset.UtcNow.AddDays(1));
        _grants.Add((patient, id));
        return id;
    }

    /// <summary>Also withdraws, at the end, every grant in force of the patient that covers one of these records (grants made in the browser).</summary>
    public async Task TrackGrantsOfRecordsAsync(string patient, IReadOnlyCollection<string> records)
    {
        foreach (var g in await new RecordsClient(As(patient)).GrantsAsync(Key(patient).Account))
            if (!g.Revoked && g.Records.Any(records.Contains)) _grants.Add((patient, g.Id));
    }

    public async Task WithdrawGrantsAsync()
    {
        foreach (var (patient, grant) in _grants) await new RecordsClient(As(patient)).RevokeAsync(Key(patient), grant);
        _grants.Clear();
    }

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

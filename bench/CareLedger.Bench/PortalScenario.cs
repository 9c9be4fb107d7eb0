using System.Diagnostics;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;

namespace CareLedger.Bench;

/// <summary>
/// The web portal in Debian's Chromium against this node, as a patient meets it: a cold first load (every byte the
/// browser fetched, as sent on the wire, and the time until the sign-in buttons answer), then, for a patient with
/// 1,000 records, the time until their list shows, and the time to open one record (signed fetch, logged read,
/// unwrap and decrypt in WebCrypto, render).
/// </summary>
public static class PortalScenario
{
    public const int Records = 1000;
    private const string Chromium = "/usr/bin/chromium";

    public sealed record Figures(int ColdRequests, long ColdBytes, double ColdInteractiveMs, double SignInMs, double ListMs, int Listed,
        double OpenP50Ms, double OpenMaxMs, int Opens, double SeedSeconds);

    public static async Task<Figures> RunAsync(BenchNode bench, CancellationToken ct)
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: apt-get install chromium");
        using var patient = new KeyStore(Path.Combine(bench.DataDir, "demo-keys")).Load("patient-jones", "demo");
        var seed = Stopwatch.StartNew();
        await SeedAsync(bench, patient, ct);
        var seedSeconds = seed.Elapsed.TotalSeconds;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var (coldRequests, bytes, coldMs) = await ColdLoadAsync(page, bench.BaseAddress);
        var persona = page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" });
        var clock = Stopwatch.StartNew();
        await persona.ClickAsync();
        await page.GetByTestId("signed-in-as").WaitForAsync(new() { Timeout = 60_000 });
        var signInMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        await page.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true }).ClickAsync();
        var rows = page.GetByTestId("records").Locator("tbody tr");
        await page.GetByTestId("records").Locator("caption").WaitForAsync(new() { Timeout = 120_000 });
        var listMs = clock.Elapsed.TotalMilliseconds;
        var listed = await rows.CountAsync();

        var opens = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            clock.Restart();
            await rows.Nth(i * 9).GetByRole(AriaRole.Link).ClickAsync();
            await page.GetByTestId("fhir-view").WaitForAsync(new() { Timeout = 60_000 });
            opens.Add(clock.Elapsed.TotalMilliseconds);
            await page.GoBackAsync();
            await rows.Nth(listed - 1).WaitForAsync(new() { Timeout = 120_000 });
        }
        return new Figures(coldRequests, bytes, coldMs, signInMs, listMs, listed, Percentiles.Of(opens, 0.5), opens.Max(), opens.Count, seedSeconds);
    }

    /// <summary>Only the cold first load, of a node already running (a published one: `dotnet publish src/CareLedger.Node`).</summary>
    public static async Task PrintColdLoadAsync(Uri node)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var (requests, bytes, ms) = await ColdLoadAsync(page, node, largest: 15);
        Console.WriteLine($"portal cold first load from {node}: {bytes / 1024.0 / 1024.0:F2} MB over {requests} requests (as sent on the wire), sign-in buttons ready after {ms:F0} ms");
        // Then a demo sign-in, which fetches what the first load left out (when the node runs the demo).
        var clock = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" }).ClickAsync();
        await page.GetByTestId("signed-in-as").WaitForAsync(new() { Timeout = 60_000 });
        Console.WriteLine($"sign in (demo): {clock.Elapsed.TotalMilliseconds:F0} ms, including the parts the first load left out");
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Chromium, Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>Opens the portal in a fresh context: the requests, the bytes on the wire (headers and encoded bodies), and the ms until a persona button shows.</summary>
    /// <param name="largest">how many of the largest responses to list, with their sizes, for whoever wants to make the load smaller</param>
    private static async Task<(int Requests, long Bytes, double Ms)> ColdLoadAsync(IPage page, Uri node, int largest = 0)
    {
        var responses = new List<IResponse>();
        page.Response += (_, r) => { lock (responses) responses.Add(r); };
        // A portal that fails to start says why in the browser's console; the bench passes it on.
        page.Console += (_, m) => { if (m.Type == "error") Console.Error.WriteLine($"  browser: {m.Text}"); };
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(new Uri(node, "portal/").ToString());
        try { await page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" }).WaitForAsync(new() { Timeout = 60_000 }); }
        catch (TimeoutException)
        {
            var shot = Path.Combine(Path.GetTempPath(), "careledger-portal-not-ready.png");
            await page.ScreenshotAsync(new() { Path = shot });
            Console.Error.WriteLine($"the portal did not show its sign-in page; what it showed is in {shot}");
            throw;
        }
        var ms = clock.Elapsed.TotalMilliseconds;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        long bytes = 0;
        var each = new List<(string Name, long Bytes)>();
        foreach (var response in responses.ToList())
        {
            var sizes = await response.Request.SizesAsync();
            bytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            each.Add((new Uri(response.Url).AbsolutePath, sizes.ResponseBodySize + sizes.ResponseHeadersSize));
        }
        foreach (var (name, size) in each.OrderByDescending(e => e.Bytes).Take(largest)) Console.WriteLine($"  {size / 1024.0,8:F1} KB  {name}");
        return (responses.Count, bytes, ms);
    }

    /// <summary>The demo patient's 1,000 records, added as a client adds them (validate, encrypt, wrap, commit, upload).</summary>
    private static async Task SeedAsync(BenchNode bench, SigningKey patient, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = bench.BaseAddress };
        var records = new RecordsClient(new NodeClient(http));
        for (var i = 0; i < Records; i++)
        {
            var observation = $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}],"text":"Heart rate"},"subject":{"reference":"Patient/{{{patient.Account}}}"},"effectiveDateTime":"2026-11-{{{1 + i % 28:00}}}T08:00:00Z","valueQuantity":{"value":{{{60 + i % 40}}},"unit":"beats per minute"}}""";
            await records.AddAsync(patient, patient.Account, observation, emergencyAccess: false, ct);
        }
    }

    public static void Print(Figures f)
    {
        Console.WriteLine();
        Console.WriteLine($"portal (Chromium, loopback; the patient's {Records:N0} records seeded in {f.SeedSeconds:F1} s):");
        Console.WriteLine($"  cold first load:   {f.ColdBytes / 1024.0 / 1024.0:F2} MB over {f.ColdRequests} requests (as sent on the wire), sign-in buttons ready after {f.ColdInteractiveMs:F0} ms");
        Console.WriteLine($"  sign in (demo):    {f.SignInMs:F0} ms (key file unlocked in WebCrypto, signed who-am-I)");
        Console.WriteLine($"  records list:      all {Records:N0}+ fetched and sorted, the newest {f.Listed:N0} shown, {f.ListMs:F0} ms after the click");
        Console.WriteLine($"  open one record:   p50 {f.OpenP50Ms:F0} ms, max {f.OpenMaxMs:F0} ms over {f.Opens} (signed fetch, logged read, unwrap + decrypt in WebCrypto, render)");
    }
}

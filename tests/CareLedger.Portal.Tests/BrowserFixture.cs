using CareLedger.Testing;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>One demo node and one headless Debian Chromium, shared by the tests of one portal collection.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public InProcessNode Node { get; private set; } = null!;

    /// <summary>The SMTP server (aiosmtpd) the node mails through.</summary>
    public SmtpServer Smtp { get; } = new();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium");
        // Consultation rooms open four hours ahead here, so that room tests find slots of their own in that window
        // (PortalRoomTests from 95 minutes ahead, the room media tests from 125: RoomBooking).
        await Smtp.StartAsync();
        Node = await InProcessNode.StartAsync("--CareLedger:RoomOpensMinutesBefore=240",
            "--CareLedger:Mail:Host=127.0.0.1", $"--CareLedger:Mail:Port={Smtp.Port}", "--CareLedger:Mail:Security=None");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs([]) });
    }

    private static readonly string[] PlaywrightDisabledFeatures =
    [
        "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "DialMediaRouteProvider", "GlobalMediaControls", "HttpsUpgrades",
        "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning", "BlockOriginHeaderModificationOnRedirect",
        "AvoidCorsURLLoaderRestartOnRedirect", "Translate", "AutoDeElevate", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    ];

    /// <summary>
    /// The test Chromium's switches, with <paramref name="switches"/> and <paramref name="disabledFeatures"/> of a browser's own.
    /// Every test opens fresh browser contexts, and each context starts the portal's .NET runtime from nothing, so these
    /// switches make a context cheaper to start (measured here: 11.5 → 7.8 s of CPU from a new context to a signed-in
    /// patient's records, 4.7 → 3.3 s on the clock):
    /// <list type="bullet">
    /// <item>Chromium 156 starts a renderer for the address bar's WebUI popups with every context (about 1.7 s of CPU
    /// each); a headless test has no address bar.</item>
    /// <item><c>--liftoff-only</c> keeps WebAssembly on V8's baseline compiler: a context lives seconds, too short for
    /// recompiling the runtime's hot functions with TurboFan to pay back its cost.</item>
    /// </list>
    /// Chromium honours only the last <c>--disable-features</c>, so the one switch repeats the features Playwright 1.64
    /// itself disables (its chromiumSwitches.ts), which a second switch would otherwise switch back on.
    /// </summary>
    internal static string[] ChromiumArgs(string[] switches, params string[] disabledFeatures) =>
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--js-flags=--liftoff-only",
        "--disable-features=" + string.Join(',', [.. PlaywrightDisabledFeatures, "WebUIOmniboxPopup", "WebUIOmniboxAimPopup", .. disabledFeatures]),
        .. switches,
    ];

    private IBrowser? _media;

    /// <summary>
    /// A second Chromium with a fake camera and microphone that needs no permission prompt, and WebRTC allowed on loopback
    /// (../shared/PLATFORM-NOTES.md): for the consultation room. Started on first use.
    /// </summary>
    public async Task<IBrowser> MediaBrowserAsync() => _media ??= await _playwright!.Chromium.LaunchAsync(new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ChromiumArgs(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection"],
            "WebRtcHideLocalIpsWithMdns"),
    });

    public async Task<IPage> OpenAsync(string fragment = "")
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(new Uri(Node.BaseAddress, "/" + fragment).ToString());
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_media is not null) await _media.DisposeAsync();
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
        Smtp.Dispose();
    }
}

/// <summary>
/// The portal's tests run in two collections side by side, each with a node and a Chromium of its own (xUnit gives every
/// collection its own <see cref="BrowserFixture"/>): the tests mostly wait on the browser, so two at a time take about half
/// the time of one after another. Tests within a collection still run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "portal";
}

/// <summary>
/// The consultation room and everything else that uses the camera, microphone or file uploads, with the accessibility sweep
/// of every page and the key tests, so that the two collections take about as long as each other (the Spanish sweep of
/// every page is in the other, PortalLanguageTests).
/// </summary>
[CollectionDefinition(Name)]
public sealed class PortalMediaCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "portal: rooms, media, accessibility and keys";
}

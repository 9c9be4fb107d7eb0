using CareLedger.Client.Api;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;
using Microsoft.Playwright;

namespace CareLedger.Bench;

/// <summary>
/// Call set-up in the portal, in Debian's Chromium with fake camera and microphone, on loopback: Dr. Rivera waits in the
/// room; Sam Jones, already signed in, clicks the room's link in his consultations; the time from that click ("join") to
/// the first video frame decoded on his side, and on hers, by the browsers' getStats(). He leaves and joins again,
/// <see cref="Calls"/> times. The set-up includes the key proof, getUserMedia, the node's signalling, ICE, DTLS and the
/// first decoded frame; not WebAssembly's start or the sign-in.
/// </summary>
public static class RoomCallSetup
{
    public const int Calls = 20;
    private const string Chromium = "/usr/bin/chromium";
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";

    public sealed record Figures(string Path, double PatientP50Ms, double PatientP95Ms, double DoctorP50Ms, double DoctorP95Ms, int Calls, int Relayed);

    /// <summary>Direct on loopback; then, when coturn is installed, on a node that sends all media through a coturn started here.</summary>
    public static async Task<IReadOnlyList<Figures>> RunAsync(IReadOnlyList<string> nodeArgs, CancellationToken ct)
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: apt-get install chromium");
        var figures = new List<Figures>();
        await using (var node = await BenchNode.StartAsync(nodeArgs))
            figures.Add(await MeasureAsync(node, "direct (loopback)", ct));
        if (File.Exists(TurnServer.Executable))
        {
            using var turn = await TurnServer.StartAsync();
            await using var node = await BenchNode.StartAsync([.. nodeArgs, $"--CareLedger:Turn:Urls:0={turn.Url}", $"--CareLedger:Turn:Secret={turn.Secret}", "--CareLedger:Turn:RelayOnly=true"]);
            figures.Add(await MeasureAsync(node, "through coturn (relay only)", ct));
        }
        else Console.WriteLine($"  (no {TurnServer.Executable}: apt-get install coturn to measure the relayed call)");
        return figures;
    }

    private static async Task<Figures> MeasureAsync(BenchNode node, string path, CancellationToken ct)
    {
        var booking = await BookAsync(node, ct);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
                    "--disable-features=WebRtcHideLocalIpsWithMdns"],
        });
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsync(doctorContext, node.BaseAddress, "Dr. Ana Rivera");
        var patient = await SignInAsync(patientContext, node.BaseAddress, "Sam Jones");
        await doctor.GotoAsync(new Uri(node.BaseAddress, $"portal/room/{booking}").ToString());
        await WaitForStateAsync(doctor, "Waiting for the other person to join…");
        await patient.GetByRole(AriaRole.Link, new() { Name = "My consultations", Exact = true }).ClickAsync();

        var atPatient = new List<double>();
        var atDoctor = new List<double>();
        var relayed = 0;
        for (var i = 0; i < Calls; i++)
        {
            var link = patient.Locator($"a[href='room/{booking}']");
            await link.WaitForAsync(new() { Timeout = 60_000 });
            var patientFrame = FirstFrameAsync(patient);
            var doctorFrame = FirstFrameAsync(doctor);
            var joined = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await link.ClickAsync();
            atPatient.Add(await patientFrame - joined);
            atDoctor.Add(await doctorFrame - joined);
            if (await patient.EvaluateAsync<int>($"async () => (await import('{Module(patient)}')).stats().then(s => s.relayed)") > 0) relayed++;
            await patient.GetByRole(AriaRole.Button, new() { Name = "Leave the room" }).ClickAsync();
            await WaitForStateAsync(doctor, "Waiting for the other person to join…");
        }
        return new Figures(path, Percentiles.Of(atPatient, 0.5), Percentiles.Of(atPatient, 0.95), Percentiles.Of(atDoctor, 0.5), Percentiles.Of(atDoctor, 0.95), Calls, relayed);
    }

    private static string Module(IPage page) => new Uri(new Uri(page.Url), "/portal/js/room.js").ToString();

    /// <summary>The moment (Unix ms, the machine's clock) a video frame is first decoded from a new call on this page, polled every 5 ms.</summary>
    private static Task<double> FirstFrameAsync(IPage page) => page.EvaluateAsync<double>($$"""
        async () => {
            const room = await import('{{Module(page)}}');
            const until = Date.now() + 60000;
            for (;;) {
                const s = await room.stats();
                if (s.framesDecoded > 0) return Date.now();
                if (Date.now() > until) throw new Error('no video frame within 60 s');
                await new Promise(r => setTimeout(r, 5));
            }
        }
        """);

    private static async Task WaitForStateAsync(IPage page, string state) =>
        await Assertions.Expect(page.GetByTestId("room-state")).ToHaveTextAsync(state, new() { Timeout = 60_000 });

    private static async Task<IPage> SignInAsync(IBrowserContext context, Uri node, string persona)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(node, "portal/").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = persona }).ClickAsync(new() { Timeout = 60_000 });
        await page.GetByTestId("signed-in-as").WaitForAsync(new() { Timeout = 60_000 });
        return page;
    }

    /// <summary>An accepted video booking of Dr. Rivera's by Sam Jones, ten minutes ahead (the room opens 15 minutes before).</summary>
    private static async Task<string> BookAsync(BenchNode node, CancellationToken ct)
    {
        var keys = new KeyStore(Path.Combine(node.DataDir, "demo-keys"));
        using var doctor = keys.Load("dr-rivera", "demo");
        using var patient = keys.Load("patient-jones", "demo");
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var services = new ServicesClient(new NodeClient(http));
        var slot = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 + 10) * 60_000;
        var booking = "room-bench-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(doctor, [slot], 5, ct);
        await services.BookAsync(patient, new BookingRequest(booking, doctor.Account.ToString(), slot, "video", Symptoms), ct);
        await services.AcceptAsync(doctor, booking, ct);
        return booking;
    }

    public static void Print(IReadOnlyList<Figures> figures)
    {
        Console.WriteLine();
        Console.WriteLine($"room call set-up (Chromium, fake camera and microphone, {Calls} calls each; from the patient's click on the room's link to the first decoded video frame):");
        foreach (var f in figures)
            Console.WriteLine($"  {f.Path,-28} at the patient p50 {f.PatientP50Ms:F0} ms p95 {f.PatientP95Ms:F0} ms; at the doctor p50 {f.DoctorP50Ms:F0} ms p95 {f.DoctorP95Ms:F0} ms" +
                              (f.Relayed > 0 ? $" (relay-only by the node's policy; getStats named the relayed pair at the first frame in {f.Relayed}/{f.Calls})" : ""));
    }
}

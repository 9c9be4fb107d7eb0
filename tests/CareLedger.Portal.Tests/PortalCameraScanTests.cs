using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using QRCoder;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The pharmacist scans a patient's QR code with the camera: Chromium's fake camera plays a video of the code (written here
/// as Y4M, the format it reads), and the Dispense page finds and checks the prescription without anything typed.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalCameraScanTests(BrowserFixture fx) : IDisposable
{
    private readonly KeyStore _keys = new(Path.Combine(fx.Node.DataDir, "demo-keys"));
    private readonly Dictionary<string, SigningKey> _loaded = [];
    private SigningKey Key(string name) => _loaded.TryGetValue(name, out var k) ? k : _loaded[name] = _keys.Load(name, "demo");

    public void Dispose()
    {
        foreach (var key in _loaded.Values) key.Dispose();
    }

    [Fact]
    public async Task PharmacistScansThePatientsQrCodeWithTheCamera_AndSeesThePrescription()
    {
        // Set up with the SDK: the patient lets Dr. Rivera treat them, she prescribes, the patient presents it to Corner Pharmacy.
        var (patient, doctor) = (Key("patient-jones"), Key("dr-rivera"));
        await new RecordsClient(fx.Node.Client.As(patient)).GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [],
            ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"], DateTimeOffset.UtcNow.AddDays(1));
        var prescriptions = new PrescriptionsClient(fx.Node.Client);
        var order = new PrescriptionOrder(patient.Account, new Medication("rxnorm", "10582", "levothyroxine"), "one tablet each morning", 28, 1, TimeSpan.FromDays(30), 1);
        var issued = await prescriptions.As(doctor).IssueAsync(doctor, order, acknowledgeAlerts: true);
        var presented = await prescriptions.As(patient).PresentAsync(patient, issued.Id, "corner-pharmacy", 0, null);

        var video = Path.Combine(fx.Node.DataDir, $"qr-{issued.Id}.y4m");
        File.WriteAllBytes(video, QrVideo($"{issued.Id}/{presented.Code}"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = BrowserFixture.ChromiumArgs(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                $"--use-file-for-fake-video-capture={video}"]),
        });
        await using var context = await browser.NewContextAsync(new() { Permissions = ["camera"] });

        var pharmacist = await SignInAsDemoAsync(fx, context, "Li Chen");
        await pharmacist.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Dispense", Exact = true }).ClickAsync();
        await pharmacist.GetByRole(AriaRole.Button, new() { Name = "Scan with the camera" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(pharmacist.GetByTestId("medication")).ToHaveTextAsync("levothyroxine", new() { Timeout = Slow });
        await Assertions.Expect(pharmacist.GetByLabel("Prescription code", new() { Exact = false })).ToHaveValueAsync($"{issued.Id}/{presented.Code}");
        await ScreenshotAsync(pharmacist, "pharmacist-scanned");
    }

    /// <summary>Two frames of a QR code as a Y4M video (4:2:0): dark modules at luma 16, light at 235, chroma neutral.</summary>
    private static byte[] QrVideo(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix; // with its quiet zone
        const int scale = 8;
        var side = modules.Count * scale;
        side += side % 2;
        var luma = new byte[side * side];
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++)
            {
                var (row, column) = (y / scale, x / scale);
                var dark = row < modules.Count && column < modules.Count && modules[row][column];
                luma[y * side + x] = dark ? (byte)16 : (byte)235;
            }
        var chroma = Enumerable.Repeat((byte)128, side / 2 * (side / 2) * 2).ToArray();
        using var video = new MemoryStream();
        void Write(string s) => video.Write(System.Text.Encoding.ASCII.GetBytes(s));
        Write($"YUV4MPEG2 W{side} H{side} F10:1 Ip A1:1 C420jpeg\n");
        for (var frame = 0; frame < 2; frame++)
        {
            Write("FRAME\n");
            video.Write(luma);
            video.Write(chroma);
        }
        return video.ToArray();
    }
}

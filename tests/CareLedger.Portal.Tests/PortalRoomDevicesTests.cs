using System.Text.Json;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The room's devices and the practitioner's screen: the patient switches microphone among Chromium's fake devices (the
/// new track replaces the old on the peer connection, and the doctor keeps hearing him); the doctor shares her screen
/// (Chromium's fake capture, chosen without a prompt) and the patient decodes it in place of her camera, then she stops.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalRoomDevicesTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    private sealed record Size(int Width, int Height);

    private static async Task<Size[]> RemoteSizesAsync(IPage page)
    {
        var module = new Uri(new Uri(page.Url), "/portal/js/room.js").ToString();
        return JsonSerializer.Deserialize<Size[]>(await page.EvaluateAsync<string>($"async () => JSON.stringify((await import('{module}')).remoteSizes())"),
            JsonSerializerOptions.Web)!;
    }

    private static async Task<long> AudioPacketsAsync(IPage page) => (await RoomMedia.StatsAsync(page)).AudioPackets;

    [Fact]
    public async Task ThePatientSwitchesMicrophone_TheDoctorSharesHerScreen_EachSideKeepsReceiving()
    {
        var booking = await RoomBooking.AcceptedAsync(fx, _people);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await doctor.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());
        await Assertions.Expect(doctor.GetByTestId("room-state")).ToHaveTextAsync("Waiting for the other person to join…", new() { Timeout = Slow });
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        Assert.True((await RoomMedia.ReceivingAsync(patient)).FramesDecoded > 0);
        Assert.True((await RoomMedia.ReceivingAsync(doctor)).AudioPackets > 0);

        // Chromium's fake devices: a camera and several microphones, each in a labelled list.
        var microphones = patient.GetByLabel("Microphone", new() { Exact = true });
        await Assertions.Expect(patient.GetByLabel("Camera", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = Slow });
        var options = await microphones.Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        Assert.True(options.Length >= 2, $"Chromium offers {options.Length} microphones");
        var other = options.First(o => o != "default" && o != options[0]);
        await microphones.SelectOptionAsync(other);
        await Assertions.Expect(microphones).ToHaveValueAsync(other, new() { Timeout = Slow });
        var heard = await AudioPacketsAsync(doctor);
        await doctor.WaitForTimeoutAsync(1500);
        Assert.True(await AudioPacketsAsync(doctor) > heard, "the doctor still hears the patient on the new microphone");

        // The doctor shares her screen: the patient's view of her changes to the screen's frames, then back.
        var camera = (await RemoteSizesAsync(patient)).Single();
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Share your screen" }).ClickAsync();
        await Assertions.Expect(doctor.GetByRole(AriaRole.Button, new() { Name = "Stop sharing" })).ToBeVisibleAsync(new() { Timeout = Slow });
        var shared = camera;
        for (var i = 0; i < 80 && shared == camera; i++)
        {
            await patient.WaitForTimeoutAsync(250);
            shared = (await RemoteSizesAsync(patient)).Single();
        }
        var frames = (await RoomMedia.StatsAsync(patient)).FramesDecoded;
        await patient.WaitForTimeoutAsync(1000);
        Assert.True(shared != camera && shared.Width > 0, $"the patient sees the doctor's screen ({shared}) instead of her camera ({camera})");
        Assert.True((await RoomMedia.StatsAsync(patient)).FramesDecoded > frames, "the shared screen's frames keep arriving");
        await ScreenshotAsync(patient, "room-screen-shared");

        await doctor.GetByRole(AriaRole.Button, new() { Name = "Stop sharing" }).ClickAsync();
        var back = shared;
        for (var i = 0; i < 80 && back != camera; i++)
        {
            await patient.WaitForTimeoutAsync(250);
            back = (await RemoteSizesAsync(patient)).Single();
        }
        Assert.Equal(camera, back);
    }
}

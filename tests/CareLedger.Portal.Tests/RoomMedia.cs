using System.Text.Json;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>What a consultation room page receives, by the browser's own WebRTC statistics (room.js sums getStats() over its peers).</summary>
internal static class RoomMedia
{
    /// <param name="Decoding">how many of the others' videos have decoded frames</param>
    /// <param name="IceRestarts">how many times this side restarted ICE to mend a broken path</param>
    public sealed record Received(long FramesDecoded, long AudioPackets, int Connected, int Relayed, int Decoding, int IceRestarts);

    public static async Task<Received> StatsAsync(IPage page)
    {
        var module = new Uri(new Uri(page.Url), "/portal/js/room.js").ToString();
        return JsonSerializer.Deserialize<Received>(await page.EvaluateAsync<string>($"async () => JSON.stringify(await (await import('{module}')).stats())"),
            JsonSerializerOptions.Web)!;
    }

    /// <summary>Waits up to 20 s for video frames and audio to arrive (from <paramref name="from"/> people; over a relayed candidate pair, if asked); returns the last figures either way.</summary>
    public static async Task<Received> ReceivingAsync(IPage page, bool relayed = false, int from = 1)
    {
        var r = await StatsAsync(page);
        for (var i = 0; i < 80 && !(r.FramesDecoded > 0 && r.AudioPackets > 0 && r.Decoding >= from && (!relayed || r.Relayed > 0)); i++)
        {
            await page.WaitForTimeoutAsync(250);
            r = await StatsAsync(page);
        }
        return r;
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace CareLedger.Bench;

/// <summary>
/// Blocks of a node in another process, read after the run from GET /v1/blocks (newest first, by the
/// time in their headers: when the leader proposed them). Nodes on one machine share its clock.
/// </summary>
public sealed class RemoteBlockLog(HttpClient http, Uri node) : IBlockLog
{
    private const int Page = 100;
    private readonly long _anchorTimestamp = Stopwatch.GetTimestamp();
    private readonly long _anchorUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The blocks proposed inside the window, oldest first.</summary>
    public async Task<IReadOnlyList<BlockSummary>> ReadAsync(long from, long to, CancellationToken ct)
    {
        var (fromMs, toMs) = (UnixMs(from), UnixMs(to));
        var inside = new List<BlockSummary>();
        ulong? before = null;
        while (true)
        {
            var page = await http.GetFromJsonAsync<BlockSummary[]>(new Uri(node, $"v1/blocks?limit={Page}{(before is { } b ? $"&before={b}" : "")}"),
                JsonSerializerOptions.Web, ct) ?? [];
            inside.AddRange(page.Where(b => b.Time >= fromMs && b.Time < toMs));
            if (page.Length < Page || page[^1].Time < fromMs) break;
            before = page[^1].Height;
        }
        inside.Reverse();
        return inside;
    }

    /// <summary>The blocks the last <see cref="BetweenAsync"/> found, oldest first.</summary>
    public IReadOnlyList<BlockSummary> LastRead { get; private set; } = [];

    public async Task<BlockFigures> BetweenAsync(long from, long to, CancellationToken ct)
    {
        var blocks = LastRead = await ReadAsync(from, to, ct);
        if (blocks.Count == 0) return new BlockFigures(0, 0, 0, 0);
        var interval = blocks.Count < 2 ? 0 : (double)(blocks[^1].Time - blocks[0].Time) / (blocks.Count - 1);
        return new BlockFigures(blocks.Count, blocks.Sum(b => (long)b.Transactions), blocks.Max(b => b.Transactions), interval);
    }

    private long UnixMs(long timestamp) => _anchorUnixMs + (long)Stopwatch.GetElapsedTime(_anchorTimestamp, timestamp).TotalMilliseconds;
}

/// <summary>One entry of GET /v1/blocks.</summary>
public sealed record BlockSummary(ulong Height, string Hash, long Time, int Transactions, string Proposer);

using System.Text;
using CareLedger.Testing;
using Microsoft.Extensions.Logging;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// Every refusal is logged once, as one Information line naming the method, path and status, without an exception:
/// on a node of its own whose log keeps the node's Information lines about refusals.
/// </summary>
public sealed class RefusalLogTests : IAsyncLifetime
{
    private const string Category = "CareLedger.Node.Api.ErrorAnswers";
    private InProcessNode _node = null!;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync($"--Logging:LogLevel:{Category}=Information");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task EachRefusal_MalformedUnknownUnsignedOrTooLarge_IsLoggedOnceWithoutAStackTrace()
    {
        var http = _node.Client.Http;
        var requests = new (string Path, int Status, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("/v1/transactions", 400, () => http.PostAsync("v1/transactions", new StringContent("{", Encoding.UTF8, "application/json"))),
            ("/v1/no-such-thing", 404, () => http.GetAsync("v1/no-such-thing")),
            ("/v1/records", 401, () => http.GetAsync("v1/records?patient=1")),
            ("/v1/contracts/tokens/queries/balance", 413, () => http.PostAsync("v1/contracts/tokens/queries/balance", new ByteArrayContent(new byte[100_000]))),
        };

        foreach (var (path, status, send) in requests)
        {
            using var response = await send();
            Assert.Equal(status, (int)response.StatusCode);
            var lines = await LinesAboutAsync(path);
            var line = Assert.Single(lines);
            Assert.Contains($": {status} ", line.Message);
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.Null(line.Exception);
        }
    }

    /// <summary>The refusal's line is written as its answer leaves, so it may trail the answer by a moment: wait for it, then for any second one.</summary>
    private async Task<List<CapturedLogs.Entry>> LinesAboutAsync(string path)
    {
        List<CapturedLogs.Entry> Lines() => [.. _node.Logs.Entries.Where(e => e.Category == Category && e.Message.Contains($" {path}:", StringComparison.Ordinal))];
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Lines().Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(100);
        return Lines();
    }
}

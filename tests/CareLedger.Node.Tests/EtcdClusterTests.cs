using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests;

/// <summary>Proves the etcd harness the consortium fault tests stand on, through etcd's JSON gateway.</summary>
[Collection(NodeProcessCollection.Name)]
public sealed class EtcdClusterTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task StartAsync_ThreeMembers_AValueWrittenThroughOneReadsBackThroughAnother()
    {
        using var root = new TempFolder();
        using var cluster = new EtcdCluster(root.Path);
        await cluster.StartAsync();

        await PutAsync(cluster.ClientUrl(0), "greeting", "hello");

        Assert.Equal(3, cluster.Endpoints.Split(',').Distinct().Count());
        Assert.Equal("hello", await GetAsync(cluster.ClientUrl(2), "greeting"));
    }

    [Fact]
    public async Task Kill_OneOfThreeMembers_TheOtherTwoStillAcceptWrites()
    {
        using var root = new TempFolder();
        using var cluster = new EtcdCluster(root.Path);
        await cluster.StartAsync();

        cluster.Kill(0);
        await cluster.WaitUntilHealthyAsync(1);
        await PutAsync(cluster.ClientUrl(1), "after-kill", "written");

        Assert.False(cluster.IsRunning(0));
        Assert.Equal("written", await GetAsync(cluster.ClientUrl(2), "after-kill"));
    }

    [Fact]
    public async Task RestartAsync_KilledMember_ServesAValueWrittenWhileItWasDown()
    {
        using var root = new TempFolder();
        using var cluster = new EtcdCluster(root.Path);
        await cluster.StartAsync();
        cluster.Kill(0);
        await cluster.WaitUntilHealthyAsync(1);
        await PutAsync(cluster.ClientUrl(1), "while-down", "caught-up");

        await cluster.RestartAsync(0);

        Assert.Equal("caught-up", await GetAsync(cluster.ClientUrl(0), "while-down"));
    }

    [Fact]
    public async Task Resume_PausedMember_ServesAValueWrittenWhileItWasPaused()
    {
        using var root = new TempFolder();
        using var cluster = new EtcdCluster(root.Path);
        await cluster.StartAsync();
        cluster.Pause(0);
        await cluster.WaitUntilHealthyAsync(1);
        await PutAsync(cluster.ClientUrl(1), "while-paused", "caught-up");

        cluster.Resume(0);
        await cluster.WaitUntilHealthyAsync(0);

        Assert.Equal("caught-up", await GetAsync(cluster.ClientUrl(0), "while-paused"));
    }

    private static async Task PutAsync(string clientUrl, string key, string value)
    {
        using var response = await Http.PostAsJsonAsync($"{clientUrl}/v3/kv/put", new { key = Base64(key), value = Base64(value) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    // The default range is linearizable, so a member that lags behind catches up before it answers.
    private static async Task<string?> GetAsync(string clientUrl, string key)
    {
        using var response = await Http.PostAsJsonAsync($"{clientUrl}/v3/kv/range", new { key = Base64(key) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var value = JsonNode.Parse(body)?["kvs"]?[0]?["value"]?.GetValue<string>();
        return value is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(value));
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

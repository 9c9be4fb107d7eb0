using System.Text.Json;
using CareLedger.Cli.Tests.Support;
using CareLedger.Node.Demo;
using CareLedger.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static CareLedger.Cli.Tests.StatusTable;

namespace CareLedger.Cli.Tests;

internal static class StatusTable
{
    /// <summary>The member rows of the status table, split into columns: organisation, validator, role, URL, height, lag, online.</summary>
    public static List<string[]> Members(CliResult result) =>
        result.Output.Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length == 7 && DemoConsortium.NodeOrganisations.Contains(columns[0])).ToList();
}

[Collection(DemoNodeCollection.Name)]
public sealed class ConsortiumStatusTests(DemoNodeFixture node)
{
    [Fact]
    public async Task ConsortiumStatus_SoloNode_ShowsModeSoloAndItsOneMemberAsLeader()
    {
        var result = await node.RunWithKeysAsync("consortium", "status", "--as", "clinic-admin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.LinesWith("careledger-demo", "(solo)", "this node (city-clinic): leader", "leader: this node", "quorum 1 of 1"));
        var member = Assert.Single(Members(result));
        Assert.Equal(["city-clinic", "leader", "yes"], [member[0], member[2], member[6]]);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task ConsortiumStatus_Json_PrintsTheNodesAnswer()
    {
        var result = await node.RunWithKeysAsync("consortium", "status", "--json", "--as", "clinic-admin");

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("solo", status.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("halted").ValueKind);
        var member = Assert.Single(status.GetProperty("members").EnumerateArray().ToList());
        Assert.Equal(status.GetProperty("self").GetString(), member.GetProperty("validator").GetString());
        Assert.True(member.GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task ConsortiumStatus_Unsigned_IsRefusedInOneLineThatSuggestsAMembersKey()
    {
        var result = await node.RunAsync("consortium", "status");

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.StartsWith("✗ not signed:", Assert.Single(result.ErrorLines));
        Assert.Contains("--as <KEY>", result.Errors);
    }

    [Fact]
    public async Task ConsortiumStatus_NodeUnreachable_OneErrorLineAndExit1()
    {
        var result = await CliRunner.RunAsync(null, "consortium", "status", "--node", CliRunner.UnreachableNode);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.Contains("cannot reach the node", Assert.Single(result.ErrorLines));
    }
}

/// <summary>What an operator's script sees from a node that has halted; the node is a stand-in that answers as a halted one does.</summary>
public sealed class ConsortiumStatusHaltedTests
{
    private const string HaltedStatus = """
        {"mode":"consortium","chainId":"careledger-demo","self":"aaaa1111bbbb2222cccc3333","role":"halted","leader":{"validator":"dddd4444eeee5555ffff6666","url":"http://127.0.0.1:5082"},
         "height":7,"logHeight":9,"finalHeight":7,"quorum":2,"halted":"block 8 from the log has state root 12ab, this node computed 34cd",
         "members":[{"validator":"aaaa1111bbbb2222cccc3333","organisation":"city-clinic","url":"http://127.0.0.1:5081","role":"halted","height":7,"lag":2,"online":true,"halted":"block 8 from the log has state root 12ab, this node computed 34cd"},
                    {"validator":"dddd4444eeee5555ffff6666","organisation":"corner-pharmacy","url":"http://127.0.0.1:5082","role":"leader","height":9,"lag":0,"online":true,"halted":null}]}
        """;

    [Fact]
    public async Task ConsortiumStatus_NodeHalted_PrintsTheReasonAndExits3()
    {
        await using var app = await StandInAsync(HaltedStatus);

        var result = await CliRunner.RunAsync(null, "consortium", "status", "--node", Address(app));

        Assert.True(result.ExitCode == ExitCodes.Halted, result.ToString());
        Assert.Single(result.LinesWith("this node (city-clinic): halted"));
        Assert.Single(result.LinesWith("✗ This node has halted: block 8 from the log", "--resync"));
        Assert.Equal(["halted", "leader"], Members(result).Select(m => m[2]));
    }

    [Fact]
    public async Task ConsortiumStatus_NodeHaltedWithJson_StillExits3()
    {
        await using var app = await StandInAsync(HaltedStatus);

        var result = await CliRunner.RunAsync(null, "consortium", "status", "--json", "--node", Address(app));

        Assert.Equal(ExitCodes.Halted, result.ExitCode);
        Assert.Equal("halted", JsonDocument.Parse(result.Output).RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task ConsortiumStatus_NodeWaitingForItsClock_SaysWhyAndHowFarOff()
    {
        var waiting = HaltedStatus.Replace("\"role\":\"halted\",\"leader\"", "\"role\":\"follower\",\"leader\"")
            .Replace("\"halted\":\"block 8 from the log has state root 12ab, this node computed 34cd\",\n", "\"halted\":null,\"clockSkewMs\":-1814400000,\"waiting\":\"block 8 proposed by dddd4444 is timed ahead of this node's clock\",\n");

        await using var app = await StandInAsync(waiting);
        var result = await CliRunner.RunAsync(null, "consortium", "status", "--node", Address(app));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.LinesWith("! This node applies no blocks now: block 8 proposed by", "Check its clock (NTP): it is -1814400000 ms off"));
    }

    private static async Task<WebApplication> StandInAsync(string status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/v1/consortium/status", () => Results.Text(status, "application/json"));
        await app.StartAsync();
        return app;
    }

    private static string Address(WebApplication app) => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

/// <summary>Three organisations' nodes ordering through a real three-member etcd cluster.</summary>
public sealed class ConsortiumStatusClusterTests
{
    [Fact]
    public async Task ConsortiumStatus_ThreeNodeConsortium_ListsThreeOnlineMembersAndOneLeader()
    {
        using var root = new TempFolder();
        using var etcd = new EtcdCluster(Path.Combine(root.Path, "etcd"));
        await etcd.StartAsync();
        var dirs = Enumerable.Range(1, 3).Select(i => Path.Combine(root.Path, $"node{i}")).ToList();
        DemoConsortium.CreateConsortium(dirs, "test-node-passphrase", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using var node1 = new NodeProcess(dirs[0]);
        using var node2 = new NodeProcess(dirs[1]);
        using var node3 = new NodeProcess(dirs[2]);
        NodeProcess[] nodes = [node1, node2, node3];
        await Task.WhenAll(nodes.Select((n, i) => n.StartAsync(TimeSpan.FromSeconds(120),
            "--etcd", string.Join(',', new[] { etcd.ClientUrl(i) }.Concat(Enumerable.Range(0, 3).Where(j => j != i).Select(etcd.ClientUrl))),
            "--advertise", n.BaseAddress.ToString().TrimEnd('/'))));

        // The header shows this node's view of the leader, the rows the members' last heartbeats: wait until both agree.
        var keystore = Path.Combine(dirs[0], DemoConsortium.KeyFolderName);
        var result = await StatusOnceAsync(node2, keystore, r => Members(r).Count(m => m[6] == "yes") == 3
            && Members(r).Where(m => m[2] == "leader").ToList() is [var leader] && r.LinesWith($"leader: {leader[3]} ").Count == 1);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.LinesWith("(consortium)", "this node (corner-pharmacy)", "quorum 2 of 3"));
        Assert.Equal(["central-lab", "city-clinic", "corner-pharmacy"], Members(result).Select(m => m[0]).Order());
        Assert.All(Members(result), m => Assert.Equal("yes", m[6]));
        var leader = Assert.Single(Members(result), m => m[2] == "leader");
        Assert.Single(result.LinesWith($"leader: {leader[3]} "));
        Assert.Contains(nodes, n => n.BaseAddress.ToString().TrimEnd('/') == leader[3]);
    }

    /// <summary>Runs the status command until its output satisfies <paramref name="done"/> (members appear as their heartbeats reach etcd), or for 60 s.</summary>
    private static async Task<CliResult> StatusOnceAsync(NodeProcess node, string keystore, Func<CliResult, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            // The status is for members and nodes: read as a member of one of the organisations.
            var result = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, "consortium", "status", "--as", "clinic-admin", "--keystore", keystore,
                "--node", node.BaseAddress.ToString());
            if (done(result) || DateTime.UtcNow > deadline) return result;
            await Task.Delay(250);
        }
    }
}

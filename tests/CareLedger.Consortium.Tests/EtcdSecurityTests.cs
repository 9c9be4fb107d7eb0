using System.Text.Json;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Consortium;
using CareLedger.Testing;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// The consortium's etcd takes only its members' nodes (docs/consortium-tls.md): TLS with the consortium's
/// CA, a client certificate, and an etcd user with the consortium's role; anyone else who reaches its
/// port cannot take the leader key, rewrite members or append blocks.
/// </summary>
public sealed class EtcdSecurityTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private static readonly string LeaderKey = $"/careledger/{ConsortiumCluster.ChainId}/leader";

    [Fact]
    public async Task Etcd_ClientsWithoutTheConsortiumsCredentials_CannotWriteTheLeaderKey()
    {
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        using var foreignFolder = new TempFolder();
        var foreign = new EtcdPki(foreignFolder.Path, "Someone else's CA");
        var https = Cluster.Etcd.ClientUrl(0);
        var attempts = new (string What, ConsortiumOptions Options)[]
        {
            ("plain HTTP", new() { Etcd = https.Replace("https://", "http://") }),
            ("TLS without a client certificate", new() { Etcd = https, EtcdCaFile = Cluster.Pki.CaFile }),
            ("a client certificate from another CA",
                new() { Etcd = https, EtcdCaFile = Cluster.Pki.CaFile, EtcdCertFile = foreign.Client("node0").Cert, EtcdKeyFile = foreign.Client("node0").Key }),
            ("the consortium's CA but no etcd user of that name",
                new() { Etcd = https, EtcdCaFile = Cluster.Pki.CaFile, EtcdCertFile = Cluster.Pki.Client("intruder").Cert, EtcdKeyFile = Cluster.Pki.Client("intruder").Key }),
            ("a wrong password", new()
            {
                Etcd = https, EtcdCaFile = Cluster.Pki.CaFile, EtcdCertFile = Cluster.Pki.Client("intruder").Cert, EtcdKeyFile = Cluster.Pki.Client("intruder").Key,
                EtcdUser = ConsortiumCluster.PasswordUser, EtcdPassword = "not-" + Cluster.EtcdPassword,
            }),
        };

        foreach (var (what, options) in attempts)
        {
            var refusal = await TryTakeLeaderKeyAsync(options);
            Log($"{what}: {refusal?.Status.StatusCode.ToString() ?? "WRITTEN"} {refusal?.Status.Detail}");
            Assert.True(refusal is not null, $"etcd let a client with {what} write the leader key");
        }

        using var withPassword = Cluster.EtcdClient(new ConsortiumOptions
        {
            EtcdCaFile = Cluster.Pki.CaFile, EtcdCertFile = Cluster.Pki.Client("intruder").Cert, EtcdKeyFile = Cluster.Pki.Client("intruder").Key,
            EtcdUser = ConsortiumCluster.PasswordUser, EtcdPassword = Cluster.EtcdPassword,
        });
        var current = await withPassword.GetLeaderAsync(CancellationToken.None);
        Assert.Equal(Cluster.Nodes[leader].BaseAddress.ToString().TrimEnd('/'), current?.Leader?.Url);
        Assert.Equal(leader, await Cluster.WaitForLeaderAsync(Patience));
    }

    [Fact]
    public async Task Node_WithEtcdCredentialsItCannotUse_StopsWithOneLine_AndWithTheRightPasswordFollows()
    {
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var node = Enumerable.Range(0, Cluster.Size).First(i => i != leader);
        Cluster.Nodes[node].Stop();
        using var folder = new TempFolder();
        var passwordFile = Path.Combine(folder.Path, "etcd-password");
        string[] withPassword = [.. Cluster.NodeArgs(node), "--etcd-user", ConsortiumCluster.PasswordUser, "--etcd-password-file", passwordFile];

        var missingCa = Path.Combine(folder.Path, "no-such-ca.pem");
        var output = await FailedStartAsync(node, [.. Cluster.NodeArgs(node), "--etcd-ca", missingCa]);
        Assert.Contains($"error: the node cannot start: cannot read the etcd CA file {missingCa}", output);

        var foreign = new EtcdPki(Path.Combine(folder.Path, "foreign"), "Someone else's CA");
        output = await FailedStartAsync(node, [.. Cluster.NodeArgs(node), "--etcd-ca", foreign.CaFile]);
        Assert.Contains("error: the node cannot start: cannot trust etcd", output);

        var wrong = "not-" + Cluster.EtcdPassword;
        await File.WriteAllTextAsync(passwordFile, wrong + "\n");
        output = await FailedStartAsync(node, withPassword);
        Assert.Contains("error: the node cannot start: etcd refuses this node", output);
        Assert.Contains("authentication failed", output);
        Assert.DoesNotContain(wrong, output);

        await File.WriteAllTextAsync(passwordFile, Cluster.EtcdPassword + "\n");
        await Cluster.StartNodeAsync(node, "--etcd-user", ConsortiumCluster.PasswordUser, "--etcd-password-file", passwordFile);
        var load = StartLoad();
        await load.WaitForMoreAsync(10, Patience);
        await load.StopAsync();
        await Cluster.WaitForSameHeadAsync([0, 1, 2], Patience);
        Assert.Equal("follower", (await Cluster.TryStatusAsync(node))?.Role);
        Assert.DoesNotContain(Cluster.EtcdPassword, Cluster.Nodes[node].Output);
    }

    /// <summary>Starts the node expecting it to exit; returns what it printed, which must be one error line and no stack trace.</summary>
    private async Task<string> FailedStartAsync(int node, string[] args)
    {
        var earlier = Cluster.Nodes[node].Output.Length;
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Cluster.Nodes[node].StartAsync(Patience, args));
        var output = Cluster.Nodes[node].Output[earlier..];
        Log(output.Split('\n').LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? output);
        Assert.Contains("node exited with code 1", failure.Message);
        Assert.DoesNotContain("   at ", output);
        return output;
    }

    /// <summary>What etcd answers a client with <paramref name="options"/> that tries to write the leader key: null when it let it.</summary>
    private static async Task<RpcException?> TryTakeLeaderKeyAsync(ConsortiumOptions options)
    {
        using var credentials = EtcdCredentials.Load(options);
        using var channel = GrpcChannel.ForAddress(options.EtcdEndpoints[0], new GrpcChannelOptions { HttpHandler = credentials.CreateHandler() });
        var headers = new Metadata();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        try
        {
            if (options.EtcdUser is not null)
            {
                var signIn = new AuthenticateRequest { Name = options.EtcdUser, Password = options.EtcdPassword };
                headers.Add("token", (await new Auth.AuthClient(channel).AuthenticateAsync(signIn, deadline: deadline)).Token);
            }
            var attacker = JsonSerializer.SerializeToUtf8Bytes(new LeaderInfo("attacker", "http://attacker.invalid"));
            await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(LeaderKey), Value = ByteString.CopyFrom(attacker) }, headers, deadline);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }
}

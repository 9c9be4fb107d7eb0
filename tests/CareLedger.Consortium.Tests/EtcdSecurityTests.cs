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
public sealed class EtcdSecurityTests(SharedConsortium shared, ITestOutputHelper output) : SharedConsortiumTest(shared, output)
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

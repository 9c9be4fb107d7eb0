using System.Security.Cryptography;
using CareLedger.Node.Consortium;

namespace CareLedger.Testing;

/// <summary>
/// How the test consortium's nodes reach etcd: each trusts the test CA and presents a client certificate
/// whose common name is its etcd user (node0, node1…), holding a role limited to /careledger/. One more
/// user, <see cref="PasswordUser"/>, signs in with a password instead.
/// </summary>
public sealed partial class ConsortiumCluster
{
    public const string PasswordUser = "careledger-password-user";

    /// <summary>The password of <see cref="PasswordUser"/>, new for every cluster.</summary>
    public string EtcdPassword { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public EtcdPki Pki { get; }

    public static string NodeEtcdUser(int i) => $"node{i}";

    /// <summary>The node switches for TLS with the test CA and <paramref name="user"/>'s client certificate.</summary>
    public string[] EtcdTlsArgs(string user)
    {
        var (cert, key) = Pki.Client(user);
        return ["--etcd-ca", Pki.CaFile, "--etcd-cert", cert, "--etcd-key", key];
    }

    /// <summary>An etcd client as node i's own is (the consortium's CA, its certificate), for tests that read the log themselves.</summary>
    public EtcdLog EtcdAs(int i) => EtcdClient(new ConsortiumOptions { Etcd = Etcd.Endpoints, EtcdCaFile = Pki.CaFile, EtcdCertFile = Pki.Client(NodeEtcdUser(i)).Cert,
        EtcdKeyFile = Pki.Client(NodeEtcdUser(i)).Key });

    /// <summary>An etcd client with the given settings (endpoints default to the cluster's).</summary>
    public EtcdLog EtcdClient(ConsortiumOptions options)
    {
        options.Etcd ??= Etcd.Endpoints;
        return new EtcdLog(options.EtcdEndpoints, ChainId, EtcdCredentials.Load(options));
    }

    private Task EnableEtcdAuthAsync() =>
        Etcd.EnableAuthAsync([.. Enumerable.Range(0, Size).Select(i => (NodeEtcdUser(i), (string?)null)), (PasswordUser, EtcdPassword)]);
}

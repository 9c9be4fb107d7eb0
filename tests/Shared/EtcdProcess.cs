using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace CareLedger.Testing;

/// <summary>
/// An etcd cluster of real member processes on loopback ports, each with its own data dir under one root
/// folder, for tests that kill, pause and restart members. Member i is named m{i}. With a
/// <see cref="EtcdPki"/>, clients and members talk TLS and every client must present a certificate
/// from its CA (<c>--client-cert-auth</c>), as docs/consortium-tls.md sets a consortium up.
/// </summary>
public sealed class EtcdCluster : IDisposable
{
    /// <summary>The role <see cref="EnableAuthAsync"/> gives the consortium's users: read and write under /careledger/, nothing else.</summary>
    public const string NodeRole = "careledger-node";
    private readonly Member[] _members;
    private readonly string _initialCluster;
    private readonly string _token = "careledger-" + Guid.NewGuid().ToString("N")[..12];
    private readonly EtcdPki? _pki;
    private readonly HttpClient _http;

    public EtcdCluster(string root, int size = 3, EtcdPki? pki = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _pki = pki;
        _http = new HttpClient(pki?.Handler("root") ?? new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        var ports = new HashSet<int>();
        while (ports.Count < 2 * size) ports.Add(LoopbackPort.Free());
        var free = ports.ToArray();
        var scheme = pki is null ? "http" : "https";
        _members = [.. Enumerable.Range(0, size).Select(i => new Member($"m{i}", Path.Combine(root, $"m{i}"), scheme, free[2 * i], free[2 * i + 1]))];
        _initialCluster = string.Join(",", _members.Select(m => $"{m.Name}={m.PeerUrl}"));
    }

    public int Size => _members.Length;
    public EtcdPki? Pki => _pki;

    /// <summary>The client URLs of all members, comma-separated: what a node is configured with.</summary>
    public string Endpoints => string.Join(",", _members.Select(m => m.ClientUrl));

    public string ClientUrl(int i) => _members[i].ClientUrl;
    public string Output(int i) => _members[i].Output;
    public bool IsRunning(int i) => _members[i].IsRunning;

    /// <summary>Starts every member and waits until each reports itself healthy (a leader is elected).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        foreach (var member in _members) member.Start(Arguments(member, "new"));
        await Task.WhenAll(_members.Select((_, i) => WaitUntilHealthyAsync(i, timeout)));
    }

    /// <summary>Starts member i again on its data dir (killing it first if it still runs) and waits until it is healthy.</summary>
    public async Task RestartAsync(int i, TimeSpan? timeout = null)
    {
        _members[i].Kill();
        _members[i].Start(Arguments(_members[i], "existing"));
        await WaitUntilHealthyAsync(i, timeout);
    }

    /// <summary>
    /// Turns on etcd's users and roles: a root user (the fixture's own certificate), and <paramref name="users"/>
    /// with <see cref="NodeRole"/>; a user without a password can only be one by its client certificate's name.
    /// </summary>
    public async Task EnableAuthAsync(params (string User, string? Password)[] users)
    {
        using var channel = AdminChannel();
        var auth = new Auth.AuthClient(channel);
        await AddUserAsync(auth, "root", null, "root");
        await auth.RoleAddAsync(new AuthRoleAddRequest { Name = NodeRole });
        await auth.RoleGrantPermissionAsync(new AuthRoleGrantPermissionRequest
        {
            Name = NodeRole,
            Perm = new Authpb.Permission
            {
                PermType = Authpb.Permission.Types.Type.Readwrite, Key = ByteString.CopyFromUtf8("/careledger/"), RangeEnd = ByteString.CopyFromUtf8("/careledger0"),
            },
        });
        foreach (var (user, password) in users) await AddUserAsync(auth, user, password, NodeRole);
        await auth.AuthEnableAsync(new AuthEnableRequest());
    }

    /// <summary>One more user with <see cref="NodeRole"/> once auth is on (as root, by the fixture's certificate): a new organisation's node.</summary>
    public async Task AddNodeUserAsync(string user, string? password = null)
    {
        using var channel = AdminChannel();
        await AddUserAsync(new Auth.AuthClient(channel), user, password, NodeRole);
    }

    private GrpcChannel AdminChannel() => GrpcChannel.ForAddress(ClientUrl(0), new GrpcChannelOptions { HttpHandler = _pki?.Handler("root") });

    private static async Task AddUserAsync(Auth.AuthClient auth, string user, string? password, string role)
    {
        await auth.UserAddAsync(new AuthUserAddRequest { Name = user, Password = password ?? "", Options = new Authpb.UserAddOptions { NoPassword = password is null } });
        await auth.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = user, Role = role });
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill(int i) => _members[i].Kill();

    /// <summary>SIGSTOP: the member freezes with its sockets open, as a hung or partitioned machine does.</summary>
    public void Pause(int i) => _members[i].Signal("STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume(int i) => _members[i].Signal("CONT");

    /// <summary>
    /// Waits until member i answers /health with true, which etcd 3.4 does only when the cluster has a
    /// leader and a linearizable read through the member succeeds; e.g. after killing the leader.
    /// </summary>
    public async Task WaitUntilHealthyAsync(int i, TimeSpan? timeout = null)
    {
        var member = _members[i];
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (!member.IsRunning) throw new InvalidOperationException($"etcd {member.Name} is not running:\n{member.Output}");
            try
            {
                using var response = await _http.GetAsync($"{member.ClientUrl}/health");
                if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("\"health\":\"true\"")) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"etcd {member.Name} did not become healthy:\n{member.Output}");
    }

    // Tuned for a loaded two-core machine on loopback; request and quota limits leave room for ~10 MB blocks.
    private string[] Arguments(Member member, string clusterState) =>
    [
        .. Tls(),
        "--name", member.Name, "--data-dir", member.DataDir,
        "--listen-client-urls", member.ClientUrl, "--advertise-client-urls", member.ClientUrl,
        "--listen-peer-urls", member.PeerUrl, "--initial-advertise-peer-urls", member.PeerUrl,
        "--initial-cluster", _initialCluster, "--initial-cluster-state", clusterState, "--initial-cluster-token", _token,
        "--heartbeat-interval", "100", "--election-timeout", "1000",
        "--max-request-bytes", "16777216", "--quota-backend-bytes", "8589934592",
        "--snapshot-count", "10000", "--logger", "zap", "--log-level", "error",
    ];

    private string[] Tls() => _pki is null ? [] :
    [
        "--cert-file", _pki.ServerCertFile, "--key-file", _pki.ServerKeyFile, "--trusted-ca-file", _pki.CaFile, "--client-cert-auth",
        "--peer-cert-file", _pki.ServerCertFile, "--peer-key-file", _pki.ServerKeyFile, "--peer-trusted-ca-file", _pki.CaFile, "--peer-client-cert-auth",
    ];

    public void Dispose()
    {
        foreach (var member in _members) member.Dispose();
        _http.Dispose();
    }

    private sealed class Member(string name, string dataDir, string scheme, int clientPort, int peerPort) : IDisposable
    {
        private readonly StringBuilder _output = new();
        private Process? _process;

        public string Name => name;
        public string DataDir => dataDir;
        public string ClientUrl { get; } = $"{scheme}://127.0.0.1:{clientPort}";
        public string PeerUrl { get; } = $"{scheme}://127.0.0.1:{peerPort}";
        public string Output { get { lock (_output) return _output.ToString(); } }
        public bool IsRunning => _process is { HasExited: false };

        public void Start(string[] arguments)
        {
            var psi = new ProcessStartInfo("etcd", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            _process?.Dispose();
            try { _process = Process.Start(psi)!; }
            catch (Win32Exception e) { throw new InvalidOperationException("etcd is not installed (apt-get install etcd-server)", e); }
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public void Kill()
        {
            if (_process is { HasExited: false }) { _process.Kill(); _process.WaitForExit(10_000); }
        }

        public void Signal(string signal)
        {
            if (_process is { HasExited: false }) NodeProcess.Signal(_process, signal);
        }

        private void Append(string? line)
        {
            if (line is not null) lock (_output) _output.AppendLine(line);
        }

        public void Dispose()
        {
            Kill();
            _process?.Dispose();
        }
    }
}

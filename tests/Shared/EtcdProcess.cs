using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace CareLedger.Testing;

/// <summary>
/// An etcd cluster of real member processes on loopback ports, each with its own data dir under one root
/// folder, for tests that kill, pause and restart members. Member i is named m{i}.
/// </summary>
public sealed class EtcdCluster : IDisposable
{
    private readonly Member[] _members;
    private readonly string _initialCluster;
    private readonly string _token = "careledger-" + Guid.NewGuid().ToString("N")[..12];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public EtcdCluster(string root, int size = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var ports = new HashSet<int>();
        while (ports.Count < 2 * size) ports.Add(NodeProcess.FreePort());
        var free = ports.ToArray();
        _members = [.. Enumerable.Range(0, size).Select(i => new Member($"m{i}", Path.Combine(root, $"m{i}"), free[2 * i], free[2 * i + 1]))];
        _initialCluster = string.Join(",", _members.Select(m => $"{m.Name}={m.PeerUrl}"));
    }

    public int Size => _members.Length;

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
        "--name", member.Name, "--data-dir", member.DataDir,
        "--listen-client-urls", member.ClientUrl, "--advertise-client-urls", member.ClientUrl,
        "--listen-peer-urls", member.PeerUrl, "--initial-advertise-peer-urls", member.PeerUrl,
        "--initial-cluster", _initialCluster, "--initial-cluster-state", clusterState, "--initial-cluster-token", _token,
        "--heartbeat-interval", "100", "--election-timeout", "1000",
        "--max-request-bytes", "16777216", "--quota-backend-bytes", "8589934592",
        "--snapshot-count", "10000", "--logger", "zap", "--log-level", "error",
    ];

    public void Dispose()
    {
        foreach (var member in _members) member.Dispose();
        _http.Dispose();
    }

    private sealed class Member(string name, string dataDir, int clientPort, int peerPort) : IDisposable
    {
        private readonly StringBuilder _output = new();
        private Process? _process;

        public string Name => name;
        public string DataDir => dataDir;
        public string ClientUrl { get; } = $"http://127.0.0.1:{clientPort}";
        public string PeerUrl { get; } = $"http://127.0.0.1:{peerPort}";
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

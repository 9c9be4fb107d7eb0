using System.Diagnostics;
using System.Net;
using System.Text;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;

namespace CareLedger.Testing;

/// <summary>
/// A CareLedger node running as a real process on a loopback port, for tests that kill it,
/// restart it, or drive it from the CLI. Output is kept for failure messages.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public NodeProcess(string dataDir, int? port = null)
    {
        DataDir = dataDir;
        Port = port ?? LoopbackPort.Free();
        Client = new NodeClient(BaseAddress);
    }

    public string DataDir { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public NodeClient Client { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool IsRunning => _process is { HasExited: false };
    public int? Pid => IsRunning ? _process!.Id : null;

    /// <summary>Extra environment variables for the node process, applied at each start after the defaults.</summary>
    public Dictionary<string, string> Environment { get; } = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string NodeDll => Path.Combine(RepoRoot, "src", "CareLedger.Node", "bin", Configuration, "net10.0", "CareLedger.Node.dll");

    /// <summary>Starts the node and waits until it answers /ready.</summary>
    public async Task StartAsync(TimeSpan? timeout = null, params string[] extraArgs)
    {
        if (!File.Exists(NodeDll)) throw new FileNotFoundException($"build the node first: {NodeDll}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { NodeDll, "--urls", BaseAddress.ToString().TrimEnd('/'), "--data", DataDir }.Concat(extraArgs)) psi.ArgumentList.Add(a);
        psi.Environment["CARELEDGER_NODE_PASSPHRASE"] = "test-node-passphrase";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in Environment) psi.Environment[name] = value;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"node exited with code {_process.ExitCode}:\n{Output}");
            try
            {
                using var r = await http.GetAsync("ready");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"node did not become ready:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
    }

    /// <summary>SIGTERM and wait: a graceful stop.</summary>
    public void Stop()
    {
        if (_process is not { HasExited: false }) return;
        Signal(_process, "TERM");
        if (!_process.WaitForExit(20_000)) Kill();
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open, as a hung or partitioned machine does.</summary>
    public void Pause()
    {
        if (_process is { HasExited: false }) Signal(_process, "STOP");
    }

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        if (_process is { HasExited: false }) Signal(_process, "CONT");
    }

    internal static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]);
        kill.WaitForExit();
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CareLedger.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (CareLedger.slnx)");
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}

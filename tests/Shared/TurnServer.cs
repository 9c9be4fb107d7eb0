using System.Diagnostics;
using System.Net.Sockets;

namespace CareLedger.Testing;

/// <summary>
/// A real coturn (Debian's turnserver) on a loopback port, with time-limited credentials checked against a shared secret
/// (<c>--use-auth-secret</c>), as README tells an operator to run it next to a node. Relays only on loopback.
/// </summary>
public sealed class TurnServer : IDisposable
{
    public const string Executable = "/usr/bin/turnserver";
    private readonly Process _process;
    private readonly TempFolder _folder = new();

    public int Port { get; }
    public string Secret { get; }
    public string Url => $"turn:127.0.0.1:{Port}?transport=udp";

    private TurnServer(int port, string secret)
    {
        Port = port;
        Secret = secret;
        var relayPorts = 40_000 + Random.Shared.Next(0, 20) * 500;
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", $"--listening-port={port}",
            $"--min-port={relayPorts}", $"--max-port={relayPorts + 499}", "--use-auth-secret", $"--static-auth-secret={Secret}",
            "--realm=careledger.test", "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--log-file=stdout",
            $"--pidfile={Path.Combine(_folder.Path, "turnserver.pid")}", $"--userdb={Path.Combine(_folder.Path, "turndb")}",
        }) info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("turnserver did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Starts coturn and waits until it accepts connections on its port: a free port and a fresh secret, or those of a relay
    /// that was stopped (a relay coming back after a failure, for the same credentials).
    /// </summary>
    public static async Task<TurnServer> StartAsync(int port = 0, string? secret = null)
    {
        if (!File.Exists(Executable)) throw new InvalidOperationException($"{Executable} is missing: apt-get install coturn");
        var server = new TurnServer(port == 0 ? LoopbackPort.Free() : port,
            secret ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", server.Port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !server._process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
        _process.Dispose();
        _folder.Dispose();
    }
}

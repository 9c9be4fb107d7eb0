using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace CareLedger.Testing;

/// <summary>
/// A real SMTP server on a loopback port: Debian's aiosmtpd (python3-aiosmtpd 1.4) with its <c>Mailbox</c> handler, which
/// keeps every message it accepts in a Maildir the test reads. Made with its port chosen, started when the test says, so
/// that a test can also show a node what a server that is down looks like.
/// </summary>
public sealed class SmtpServer : IDisposable
{
    /// <summary>Debian's Python, which has the package (a Python of one's own may not).</summary>
    public const string Python = "/usr/bin/python3";
    private readonly TempFolder _folder = new();
    private Process? _process;

    public int Port { get; } = LoopbackPort.Free();
    private string Maildir => Path.Combine(_folder.Path, "maildir");

    /// <summary>Starts a server and waits until it accepts connections.</summary>
    public static async Task<SmtpServer> StartedAsync()
    {
        var server = new SmtpServer();
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server unless it runs, and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) return;
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir }) info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("aiosmtpd did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"aiosmtpd did not listen on {Port}: is python3-aiosmtpd installed (apt-get install python3-aiosmtpd)?");
            }
        }
    }

    public void Stop()
    {
        if (_process is null) return;
        try { if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages =>
        [.. new[] { "new", "cur" }.Select(d => Path.Combine(Maildir, d)).Where(Directory.Exists).SelectMany(Directory.GetFiles).Order().Select(f => MimeMessage.Load(f))];

    /// <summary>The messages to one address.</summary>
    public IReadOnlyList<MimeMessage> To(string address) =>
        [.. Messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>Waits (up to 20 s) for a message to the address that <paramref name="wanted"/> accepts.</summary>
    public async Task<MimeMessage> WaitForAsync(string address, Func<MimeMessage, bool> wanted)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            if (To(address).FirstOrDefault(wanted) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no such mail to {address} in 20 s; received: {string.Join(" | ", Messages.Select(m => m.To + ": " + m.Subject))}");
    }

    public void Dispose()
    {
        Stop();
        _folder.Dispose();
    }
}

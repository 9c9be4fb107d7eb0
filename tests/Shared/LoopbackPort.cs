using System.Net;
using System.Net.Sockets;

namespace CareLedger.Testing;

/// <summary>Loopback ports for the servers tests and the bench start (nodes, etcd, PostgreSQL, coturn, SMTP, OTLP).</summary>
public static class LoopbackPort
{
    private static int _next = Random.Shared.Next(10_000);

    /// <summary>
    /// A port free now, chosen below the kernel's ephemeral range: a port the kernel handed out
    /// (port 0) can be taken by any outgoing connection before the process we start binds it —
    /// with etcd members and nodes talking to each other, that happened.
    /// </summary>
    public static int Free()
    {
        var ephemeralStart = EphemeralRangeStart();
        var low = Math.Max(1024, ephemeralStart - 12_000);
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = low + (int)((uint)Interlocked.Increment(ref _next) % (uint)(ephemeralStart - low));
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException($"no free loopback port between {low} and {ephemeralStart}");
    }

    private static int EphemeralRangeStart()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0]); }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return 32_768; }
    }
}

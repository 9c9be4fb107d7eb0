using System.Net.Sockets;
using System.Text;

namespace CareLedger.Node.Tests.Support;

/// <summary>An answer read off the socket: status, headers and body as sent.</summary>
public sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? ContentType => Headers.TryGetValue("content-type", out var type) ? type.Split(';')[0].Trim() : null;
}

/// <summary>
/// Sends a request line byte for byte, as HttpClient will not (it escapes or refuses what a hostile client sends):
/// HTTP/1.0, so the answer ends with the connection and needs no chunked decoding.
/// </summary>
public static class RawHttp
{
    public static async Task<RawAnswer> SendAsync(Uri node, string method, string target, IEnumerable<(string Name, string Value)> headers, byte[] body, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(node.Host, node.Port, cancel.Token);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"{method} {target} HTTP/1.0\r\nHost: {node.Authority}\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        if (body.Length > 0 || method is "POST" or "PUT") head.Append($"Content-Length: {body.Length}\r\n");
        // Latin-1 writes each char as the one byte it stands for, so a target can carry raw NUL or 0xFF bytes.
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.Append("\r\n").ToString()), cancel.Token);
        await stream.WriteAsync(body, cancel.Token);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, cancel.Token);
        return Parse(answer.ToArray());
    }

    private static RawAnswer Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) throw new IOException($"the connection closed without a complete answer ({bytes.Length} bytes)");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>();
        foreach (var pair in lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)) headers[pair[0].Trim().ToLowerInvariant()] = pair[1].Trim();
        return new RawAnswer(status, headers, text[(end + 4)..]);
    }
}

using System.Buffers;
using System.Text.Json;

namespace CareLedger.Node.Api;

/// <summary>Reads request bodies with a limit, stopping as soon as it is passed.</summary>
public static class RequestBodies
{
    /// <summary>
    /// How JSON bodies are read: a property named twice is a <see cref="JsonException"/>, not the last one winning, since
    /// parsers differ on which counts and whoever read the body before the node (a reviewer, a proxy, a log) may have read the other.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { AllowDuplicateProperties = false };

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes.</summary>
    /// <remarks>
    /// With a Content-Length (what clients send), the body is read straight into an array of that size, which Kestrel
    /// holds the client to; without one (chunked), through a pooled buffer. A fresh 16 KB chunk per request was 40 % of
    /// everything a transaction submitted over HTTP allocated.
    /// </remarks>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return null;
        if (request.ContentLength is { } length)
        {
            var body = new byte[length];
            var filled = 0;
            int read;
            while (filled < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(filled), ct)) > 0) filled += read;
            return filled == body.Length ? body : body[..filled];
        }
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }
}

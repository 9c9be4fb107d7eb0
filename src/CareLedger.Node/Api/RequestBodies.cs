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
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n ? (int)n : 0);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

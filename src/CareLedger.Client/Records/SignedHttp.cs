using System.Text.Json;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Client.Records;

/// <summary>Builds HTTP requests signed with an account key (header <see cref="RequestSignature.Header"/>).</summary>
public static class SignedHttp
{
    public static HttpRequestMessage Get(SigningKey key, string pathAndQuery) => Create(key, HttpMethod.Get, pathAndQuery, []);

    public static HttpRequestMessage Post<T>(SigningKey key, string pathAndQuery, T body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var request = Create(key, HttpMethod.Post, pathAndQuery, bytes);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new("application/json");
        return request;
    }

    private static HttpRequestMessage Create(SigningKey key, HttpMethod method, string pathAndQuery, byte[] body)
    {
        if (!pathAndQuery.StartsWith('/')) pathAndQuery = "/" + pathAndQuery;
        var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            RequestSignature.Sign(key, method.Method, pathAndQuery, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body));
        return request;
    }
}

using System.Text.Json;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Client.Records;

/// <summary>
/// Builds HTTP requests signed with an account key (header <see cref="RequestSignature.Header"/>) for one node of one
/// chain (<see cref="RequestAudience"/>; <see cref="Api.NodeClient.AudienceAsync"/> learns it from the node).
/// </summary>
public static class SignedHttp
{
    public static Task<HttpRequestMessage> Get(IAccountKey key, RequestAudience audience, string pathAndQuery) =>
        CreateAsync(key, audience, HttpMethod.Get, pathAndQuery, []);

    /// <summary>A signed DELETE (no body).</summary>
    public static Task<HttpRequestMessage> Delete(IAccountKey key, RequestAudience audience, string pathAndQuery) =>
        CreateAsync(key, audience, HttpMethod.Delete, pathAndQuery, []);

    public static Task<HttpRequestMessage> Post<T>(IAccountKey key, RequestAudience audience, string pathAndQuery, T body) =>
        WithJsonAsync(key, audience, HttpMethod.Post, pathAndQuery, body);

    /// <summary>A signed PUT with a JSON body.</summary>
    public static Task<HttpRequestMessage> Put<T>(IAccountKey key, RequestAudience audience, string pathAndQuery, T body) =>
        WithJsonAsync(key, audience, HttpMethod.Put, pathAndQuery, body);

    private static async Task<HttpRequestMessage> WithJsonAsync<T>(IAccountKey key, RequestAudience audience, HttpMethod method, string pathAndQuery, T body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var request = await CreateAsync(key, audience, method, pathAndQuery, bytes);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new("application/json");
        return request;
    }

    private static async Task<HttpRequestMessage> CreateAsync(IAccountKey key, RequestAudience audience, HttpMethod method, string pathAndQuery, byte[] body)
    {
        if (!pathAndQuery.StartsWith('/')) pathAndQuery = "/" + pathAndQuery;
        var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            await RequestSignature.SignAsync(key, audience, method.Method, pathAndQuery, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body));
        return request;
    }
}

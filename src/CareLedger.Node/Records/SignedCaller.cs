using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Api;

namespace CareLedger.Node.Records;

/// <summary>
/// The account behind a request signed with <see cref="RequestSignature"/>. The signature covers
/// method, path and query, time and body, so it is also the reader's proof of asking, which the
/// access log carries to the ledger.
/// </summary>
public sealed record SignedCaller(AccountId Account, byte[] Key, string Method, string PathAndQuery, long Time, byte[] Signature)
{
    public const long MaxSkewMs = 5 * 60 * 1000;

    /// <summary>Authenticates the request, or returns the 401 problem to answer with.</summary>
    public static async Task<(SignedCaller? Caller, IResult? Problem)> AuthenticateAsync(HttpRequest request, TimeProvider clock, byte[]? body = null)
    {
        var header = request.Headers[RequestSignature.Header].ToString();
        if (string.IsNullOrEmpty(header)) return (null, Unauthorized("This request must be signed (CareLedger-Signature header)."));
        if (!RequestSignature.TryParse(header, out var key, out var time, out var signature))
            return (null, Unauthorized("The CareLedger-Signature header is malformed: expected key=...; time=...; sig=..."));
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (Math.Abs(now - time) > MaxSkewMs) return (null, Unauthorized("The request's signature time is more than 5 minutes from the node's clock."));
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        body ??= request.ContentLength is > 0 ? await ReadAsync(request) : [];
        if (!RequestSignature.Verify(key, request.Method, pathAndQuery, time, SHA256.HashData(body), signature))
            return (null, Unauthorized("The request signature does not verify."));
        return (new SignedCaller(AccountId.FromPublicKey(key), key, request.Method, pathAndQuery, time, signature), null);
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Access refused");
}

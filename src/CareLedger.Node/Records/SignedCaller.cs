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
        if (HttpMethods.IsGet(request.Method) && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0))
            return (null, TypedResults.Problem("A signed GET carries no body.", statusCode: StatusCodes.Status400BadRequest, title: "Unexpected body"));
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        body ??= await RequestBodies.ReadAsync(request, RecordsApi.MaxUploadBytes, request.HttpContext.RequestAborted);
        if (body is null) return (null, Problems.TooLarge(RecordsApi.MaxUploadBytes));
        if (!RequestSignature.Verify(key, request.Method, pathAndQuery, time, SHA256.HashData(body), signature))
            return (null, Unauthorized("The request signature does not verify."));
        if (!RecentSignatures.TryUse(signature, now))
            return (null, Unauthorized("This signed request was already used: sign each request afresh."));
        return (new SignedCaller(AccountId.FromPublicKey(key), key, request.Method, pathAndQuery, time, signature), null);
    }

    /// <summary>
    /// Signatures seen within the clock-skew window, so a captured request cannot be replayed to
    /// add reads to a patient's log. Process-wide: a genuine signature is never sent twice.
    /// </summary>
    private static class RecentSignatures
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Seen = new();
        private static long _nextSweep;

        public static bool TryUse(byte[] signature, long now)
        {
            if (now > Volatile.Read(ref _nextSweep))
            {
                Volatile.Write(ref _nextSweep, now + MaxSkewMs);
                foreach (var (sig, at) in Seen)
                    if (at < now - 2 * MaxSkewMs) Seen.TryRemove(sig, out _);
            }
            return Seen.TryAdd(Convert.ToBase64String(signature), now);
        }
    }

    private static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Access refused");
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Api;
using CareLedger.Node.Chain;
using CareLedger.Vault.Records;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Authentication;

/// <summary>
/// Authenticates requests signed with the caller's account key (header <see cref="RequestSignature.Header"/>):
/// the signature must verify over this node's chain id and account, method, path and query, time and body (so a
/// request signed for another node or chain is refused), be within
/// <see cref="RecentSignatures.WindowMs"/> of the node's clock, and be used once. The caller's
/// membership on the ledger becomes its role and organisation claims. The body is read here (up to
/// <see cref="RecordSealing.MaxUploadBytes"/>) and handed on, so endpoints read it as usual.
/// </summary>
public sealed class SignedRequestHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    LedgerReader ledger, RecentSignatures recent, TimeProvider clock, RequestAudience self) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "CareLedger-Signature";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[RequestSignature.Header].ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!RequestSignature.TryParse(header, out var key, out var time, out var signature))
            return Refuse(401, "The CareLedger-Signature header is malformed: expected key=...; time=...; sig=...");
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeMilliseconds() - time) > RecentSignatures.WindowMs)
            return Refuse(401, "The request's signature time is more than 5 minutes from the node's clock.");
        if (HttpMethods.IsGet(Request.Method) && (Request.ContentLength > 0 || Request.Headers.TransferEncoding.Count > 0))
            return Refuse(400, "A signed GET carries no body.", "Unexpected body");
        var body = await RequestBodies.ReadAsync(Request, RecordSealing.MaxUploadBytes, Context.RequestAborted);
        if (body is null) return Refuse(413, $"The request body is larger than {RecordSealing.MaxUploadBytes} bytes.", "Request too large");
        Request.Body = new MemoryStream(body, writable: false);

        var pathAndQuery = Request.Path.Value + Request.QueryString.Value;
        if (!RequestSignature.Verify(key, self, Request.Method, pathAndQuery, time, SHA256.HashData(body), signature))
            return Refuse(401, $"The request signature does not verify for chain {self.ChainId} and node {self.Node} (GET /v1/chain names both).");
        if (!recent.TryUse(signature)) return Refuse(401, "This signed request was already used: sign each request afresh.");

        var caller = new SignedCaller(AccountId.FromPublicKey(key), key, Request.Method, pathAndQuery, time, signature);
        Context.Features.Set(caller);
        var identity = CallerClaims.Identity(caller.Account, ledger.FindMember(caller.Account), ledger.IsValidator(caller.Account), Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name));
    }

    private static AuthenticateResult Refuse(int status, string detail, string title = "Not authenticated") =>
        AuthenticateResult.Fail(new AuthenticationRefused(status, title, detail));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var refused = result.Failure as AuthenticationRefused ?? new AuthenticationRefused(401, "Not authenticated", "This request must be signed (CareLedger-Signature header).");
        Response.StatusCode = refused.Status;
        await TypedResults.Problem(refused.Message, statusCode: refused.Status, title: refused.Title).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return TypedResults.Problem(CallerClaims.WhyForbidden(Context), statusCode: StatusCodes.Status403Forbidden, title: "Access refused").ExecuteAsync(Context);
    }
}

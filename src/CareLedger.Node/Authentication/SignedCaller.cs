using System.Reflection;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Authentication;

/// <summary>
/// The account behind a request signed with <see cref="RequestSignature"/>. The signature covers
/// the chain and this node, method, path and query, time and body, so it is also the reader's proof of asking, which the
/// access log carries to the ledger. Handlers take it as a parameter once the signed-request scheme
/// has authenticated the request.
/// </summary>
public sealed record SignedCaller(AccountId Account, byte[] Key, string Method, string PathAndQuery, long Time, byte[] Signature)
{
    /// <summary>A read request to this node (<paramref name="self"/>) signed by a key it holds in custody, so a custodial read is logged like any other.</summary>
    public static SignedCaller SignedBy(SigningKey key, RequestAudience self, string method, string pathAndQuery, long time)
    {
        var header = RequestSignature.Sign(key, self, method, pathAndQuery, time, []);
        RequestSignature.TryParse(header, out var publicKey, out _, out var signature);
        return new SignedCaller(key.Account, publicKey, method, pathAndQuery, time, signature);
    }

    /// <summary>Binds the authenticated caller; endpoints that take one require the signed-request scheme.</summary>
    public static ValueTask<SignedCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<SignedCaller>());
}

using System.Security.Claims;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Tokens;

/// <summary>A member's wallet history: their own transfers and mints (overseers may read anyone's).</summary>
public static class TokensApi
{
    public const int MaxPage = 1000;

    public static void MapTokensApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/accounts/{account}/transfers", Transfers).WithTags("Tokens").RequireAuthorization(Policies.Signed).RequireRateLimiting(RateLimits.Reads)
            .WithSummary("The account's transfers and mints, oldest first, a page (limit, after) at a time; to the account itself and overseers")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Results<Ok<TransferList>, ProblemHttpResult>> Transfers(string account, int? limit, string? after, ClaimsPrincipal user, TransferHistory history, CancellationToken ct)
    {
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account", "An account id is 64 hex characters.");
        if (limit is < 1 or > MaxPage) return Problems.Bad("Bad limit", $"limit is from 1 to {MaxPage}.");
        if (id != user.Account() && !user.Oversees()) return Problems.Refused(user, "A wallet's history is its owner's (and the consortium's overseers').");
        var (page, next) = await history.PageAsync(id, limit ?? MaxPage, after, ct);
        return TypedResults.Ok(new TransferList(page, next));
    }
}

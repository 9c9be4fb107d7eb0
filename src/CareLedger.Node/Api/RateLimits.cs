using System.Threading.RateLimiting;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Api;

/// <summary>
/// Reads that cost the node work on someone's behalf — records (each one an access-log entry), contract
/// queries, FHIR — are rate-limited per signing account and per client address, so one caller cannot
/// crowd out the others or flood a patient's access log. Over the limit: 429 problem details with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string Reads = "reads";

    public static IServiceCollection AddReadLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Problems.TooMany("Too many reads from your account or address; slow down and retry after a second.", "Too many requests")
                    .ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(Reads, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value;
                return context.User.Identity?.IsAuthenticated == true && context.User.Account() is var account
                    ? Bucket($"account:{account}", limits.ReadsPerSecondPerAccount)
                    : Bucket($"address:{context.Connection.RemoteIpAddress}", limits.ReadsPerSecondPerAddress);
            });
        });
        return services;
    }

    /// <summary>A token bucket refilled every second, holding up to four seconds' worth: short bursts pass, a flood does not.</summary>
    private static RateLimitPartition<string> Bucket(string key, int perSecond) => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond * 4, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
    });
}

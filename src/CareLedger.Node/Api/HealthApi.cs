using CareLedger.Ledger.Chain;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>Liveness, readiness and Prometheus metrics for operators.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthStatus("alive", null))).AllowAnonymous().WithTags("Operations").WithSummary("The process is up");
        app.MapGet("/ready", Ready).AllowAnonymous().WithTags("Operations").WithSummary("The node is ordering and serving").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/metrics", (NodeMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4"))
            .AllowAnonymous().WithTags("Operations").WithSummary("Prometheus metrics: counts and timings, nothing about any person");
    }

    private static Results<Ok<HealthStatus>, ProblemHttpResult> Ready(OrdererService orderer, LedgerChain chain) => orderer.Ready
        ? TypedResults.Ok(new HealthStatus("ready", chain.Head.Height))
        : Problems.Unavailable("Not ready", orderer.Running ? "The node is still starting up." : "The orderer is not running.");

    /// <summary>"alive", or "ready" with the chain's height.</summary>
    public sealed record HealthStatus(string Status, ulong? Height);
}

using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.Mvc;
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

    /// <summary>Not ready while starting, stopped, or while the next block waits for this node's clock (a block timed too far ahead of it).</summary>
    private static Results<Ok<HealthStatus>, ProblemHttpResult> Ready(OrdererService orderer, LedgerChain chain, [FromServices] ConsortiumOrderer? consortium = null)
    {
        if (!orderer.Ready) return Problems.Unavailable("Not ready", orderer.Running ? "The node is still starting up." : "The orderer is not running.");
        if (consortium?.Waiting is { } waiting) return Problems.Unavailable("Not ready", $"The node does not apply blocks now: {waiting}.");
        return TypedResults.Ok(new HealthStatus("ready", chain.Head.Height));
    }

    /// <summary>"alive", or "ready" with the chain's height.</summary>
    public sealed record HealthStatus(string Status, ulong? Height);
}

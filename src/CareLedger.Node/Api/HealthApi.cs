using CareLedger.Node.Hosting;

namespace CareLedger.Node.Api;

/// <summary>Liveness, readiness and Prometheus metrics for operators.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new { status = "alive" })).WithTags("Operations").WithSummary("The process is up");
        app.MapGet("/ready", (OrdererService orderer, LedgerNode node) => orderer.Ready
                ? Results.Ok(new { status = "ready", height = node.Chain.Head.Height })
                : TypedResults.Problem(orderer.Running ? "The node is still starting up." : "The orderer is not running.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready"))
            .WithTags("Operations").WithSummary("The node is ordering and serving");
        app.MapGet("/metrics", (NodeMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4"))
            .WithTags("Operations").WithSummary("Prometheus metrics");
    }
}

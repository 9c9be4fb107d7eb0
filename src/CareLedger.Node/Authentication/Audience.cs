using Microsoft.AspNetCore.Authorization;

namespace CareLedger.Node.Authentication;

/// <summary>
/// Holds the node to its audiences (ADR 0011): no endpoint is served without a policy it names, and every request an
/// auditor makes is logged, so that oversight is itself overseen.
/// </summary>
public static partial class Audience
{
    /// <summary>Every endpoint names its audience: a policy, or AllowAnonymous for public ones. One that names none stops the node at start-up.</summary>
    public static void RequireEveryEndpointToNameItsAudience(this WebApplication app)
    {
        var unnamed = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => !NamesAudience(e)).Select(e => e.RoutePattern.RawText ?? e.DisplayName).ToList();
        if (unnamed.Count > 0)
            throw new InvalidOperationException($"endpoints without an authorization policy or AllowAnonymous: {string.Join(", ", unnamed)}");
    }

    public static bool NamesAudience(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null);

    /// <summary>Logs each request an auditor makes, after authentication: who, what and the answer's status.</summary>
    public static IApplicationBuilder UseAuditorLog(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try { await next(context); }
        finally
        {
            if (context.User.IsAuditor())
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CareLedger.Node.Auditors");
                AuditorRead(logger, context.User.Account().ToString(), context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode);
            }
        }
    });

    [LoggerMessage(Level = LogLevel.Information, Message = "Auditor {Auditor} {Method} {Path} -> {Status}")]
    private static partial void AuditorRead(ILogger logger, string auditor, string method, string path, int status);
}

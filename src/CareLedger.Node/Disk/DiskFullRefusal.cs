using CareLedger.Ledger.Storage;
using CareLedger.Node.Fhir;
using static Hl7.Fhir.Model.OperationOutcome;

namespace CareLedger.Node.Disk;

/// <summary>
/// While the data disk is full, requests that would write (every method but GET, HEAD and OPTIONS) are answered 507
/// Insufficient Storage — problem details, or an OperationOutcome under /fhir — before they reach a handler; reads go on.
/// A write that runs out of space on its way (the disk filled between two checks) gets the same answer. An endpoint marked
/// <see cref="AllowWhileDiskFull"/> is let through: a POST that only removes state, must take effect at once, and answers
/// a failed write in its own terms (a SMART app's token revocation), or one that writes nothing (token introspection).
/// </summary>
public static class DiskFullRefusal
{
    public const string Title = "Insufficient storage";

    /// <summary>Endpoint metadata: this write is served while the disk is full (<see cref="AllowWhileDiskFull"/>).</summary>
    public sealed class ServedWhileFull;

    /// <summary>Lets the endpoint's requests through while the data disk is full; it must cope with a write that fails.</summary>
    public static TBuilder AllowWhileDiskFull<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ServedWhileFull());

    public static IApplicationBuilder UseDiskFullRefusal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var disk = context.RequestServices.GetRequiredService<DiskSpace>();
        var writes = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
                     && context.GetEndpoint()?.Metadata.GetMetadata<ServedWhileFull>() is null;
        if (writes && disk.Full)
        {
            await RefuseAsync(context, disk);
            return;
        }
        try { await next(context); }
        catch (Exception e) when (StorageFull.Is(e) && !context.Response.HasStarted)
        {
            disk.ReportFull(e);
            await RefuseAsync(context, disk);
        }
    });

    private static Task RefuseAsync(HttpContext context, DiskSpace disk)
    {
        disk.CountRefusal();
        const string detail = "The node's data disk is full; it takes no new work until its operator frees space. Nothing was changed: try again later.";
        context.Response.Headers.RetryAfter = "30";
        IResult answer = context.Request.Path.StartsWithSegments("/fhir")
            ? Outcomes.Error(StatusCodes.Status507InsufficientStorage, IssueType.Transient, detail)
            : Results.Problem(detail, statusCode: StatusCodes.Status507InsufficientStorage, title: Title);
        return answer.ExecuteAsync(context);
    }
}

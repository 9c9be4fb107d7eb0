using CareLedger.Ledger.Storage;
using CareLedger.Node.Fhir;
using static Hl7.Fhir.Model.OperationOutcome;

namespace CareLedger.Node.Disk;

/// <summary>
/// While the data disk is full, requests that would write (every method but GET, HEAD and OPTIONS) are answered 507
/// Insufficient Storage — problem details, or an OperationOutcome under /fhir — before they reach a handler; reads go on.
/// A write that runs out of space on its way (the disk filled between two checks) gets the same answer. One POST is let
/// through: a SMART app's token revocation, which only ever removes state, takes effect in memory at once, and answers in
/// OAuth's own terms (503 <c>temporarily_unavailable</c>) when it cannot be stored yet.
/// </summary>
public static class DiskFullRefusal
{
    public const string Title = "Insufficient storage";

    public static IApplicationBuilder UseDiskFullRefusal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var disk = context.RequestServices.GetRequiredService<DiskSpace>();
        var writes = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
                     && !context.Request.Path.StartsWithSegments(Fhir.Smart.SmartApi.RevokePath);
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

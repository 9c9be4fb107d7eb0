using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace CareLedger.Node.Api;

/// <summary>
/// Every error the node answers is RFC 9457 problem details (OperationOutcome under /fhir, which
/// its own filter writes): bad requests keep their status and are logged once, as one line; a bug
/// is a 500 that says nothing of the node's internals and is logged with its stack trace.
/// </summary>
public static class ErrorAnswers
{
    public static WebApplication UseErrorAnswers(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(WriteUnhandledProblem));
        app.UseStatusCodePages(WriteStatusProblem);
        app.Use(AnswerBadRequests);
        return app;
    }

    /// <summary>
    /// Every refusal (4xx) is the client's error, logged here once, as one line without a stack trace, so a flood of
    /// them cannot flood the log. A request the server could not read (a body over the limit, one that ended early)
    /// is answered here too, with its status.
    /// </summary>
    private static async Task AnswerBadRequests(HttpContext context, RequestDelegate next)
    {
        string? reason = null;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            reason = e.Message;
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
            await Results.Problem(e.Message, statusCode: e.StatusCode, title: ReasonPhrases.GetReasonPhrase(e.StatusCode)).ExecuteAsync(context);
        }
        if (context.Response.StatusCode is >= 400 and < 500)
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorAnswers))
                .LogInformation("Refused {Method} {Path}: {Status} {Reason}", context.Request.Method, context.Request.Path, context.Response.StatusCode,
                    reason ?? ReasonPhrases.GetReasonPhrase(context.Response.StatusCode));
    }

    /// <summary>Anything else that escapes an endpoint is a bug: a 500 without internals.</summary>
    private static async Task WriteUnhandledProblem(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, title) = error is BadHttpRequestException bad ? (bad.StatusCode, "Bad request") : (500, "Internal error");
        context.Response.StatusCode = status;
        await Results.Problem(status == 500 ? "The node could not complete the request; see its log." : error!.Message, statusCode: status, title: title)
            .ExecuteAsync(context);
    }

    /// <summary>Gives empty error responses (unknown route, unparsable route or query values) a problem body with a detail.</summary>
    private static async Task WriteStatusProblem(StatusCodeContext status)
    {
        var http = status.HttpContext;
        var code = http.Response.StatusCode;
        var detail = code switch
        {
            404 => $"There is no endpoint {http.Request.Method} {http.Request.Path}; see /openapi/v1.json.",
            405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
            400 => "A route or query value is malformed (for example a height that is not a number, or wait=maybe).",
            413 => "The request body is too large.",
            _ => ReasonPhrases.GetReasonPhrase(code),
        };
        await Results.Problem(detail, statusCode: code, title: ReasonPhrases.GetReasonPhrase(code)).ExecuteAsync(http);
    }
}

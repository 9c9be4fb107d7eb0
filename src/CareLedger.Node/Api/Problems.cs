using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>RFC 9457 problem details for the answers the API gives on bad input.</summary>
public static class Problems
{
    public static ProblemHttpResult Bad(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);
    public static ProblemHttpResult Unprocessable(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, extensions: extensions);
    public static ProblemHttpResult NotFound(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);
    public static ProblemHttpResult TooMany(string detail, string title = "Too many pending transactions") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: title);
    public static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem($"The request body is larger than {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large");
    /// <summary>A read the caller may not have: 401 asking an anonymous caller to sign, 403 for a signed one.</summary>
    public static ProblemHttpResult Refused(System.Security.Claims.ClaimsPrincipal user, string detail) => user.Identity?.IsAuthenticated == true
        ? TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Access refused")
        : TypedResults.Problem(detail + " Sign the request with your key (CareLedger-Signature header).", statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");
    public static ProblemHttpResult Unavailable(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Records;

/// <summary>Why a record service said no, with the HTTP status it amounts to; /v1 answers it as problem details, /fhir as an OperationOutcome.</summary>
public sealed record Refusal(int Status, string Title, string Detail)
{
    public static Refusal Bad(string title, string detail) => new(StatusCodes.Status400BadRequest, title, detail);
    public static Refusal Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Access refused", detail);
    public static Refusal NotFound(string title, string detail) => new(StatusCodes.Status404NotFound, title, detail);
    public static Refusal Unprocessable(string title, string detail) => new(StatusCodes.Status422UnprocessableEntity, title, detail);

    public ProblemHttpResult ToProblem() => TypedResults.Problem(Detail, statusCode: Status, title: Title);
}

/// <summary>A value, or the refusal that stands in its place.</summary>
public readonly record struct Answer<T>(T? Value, Refusal? Refusal)
{
    public static implicit operator Answer<T>(T value) => new(value, null);
    public static implicit operator Answer<T>(Refusal refusal) => new(default, refusal);
}

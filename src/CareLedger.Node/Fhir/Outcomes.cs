using CareLedger.Node.Records;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace CareLedger.Node.Fhir;

/// <summary>Every FHIR error is an OperationOutcome with the status that says what went wrong.</summary>
public static class Outcomes
{
    public static FhirResult Error(int status, IssueType code, params IEnumerable<string> messages)
    {
        var outcome = new OperationOutcome();
        foreach (var message in messages)
            outcome.Issue.Add(new IssueComponent { Severity = IssueSeverity.Error, Code = code, Details = new CodeableConcept { Text = message } });
        return new FhirResult(outcome, status);
    }

    /// <summary>400: the body is not a valid FHIR resource; one issue per problem found.</summary>
    public static FhirResult Invalid(IEnumerable<string> problems) => Error(StatusCodes.Status400BadRequest, IssueType.Invalid, problems);

    public static FhirResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, IssueType.Invalid, message);

    public static FhirResult Unauthorized(string message) =>
        Error(StatusCodes.Status401Unauthorized, IssueType.Login, message).WithHeader("WWW-Authenticate", "Bearer realm=\"careledger-fhir\"");

    public static FhirResult Forbidden(string message) => Error(StatusCodes.Status403Forbidden, IssueType.Forbidden, message);

    public static FhirResult NotFound(string message) => Error(StatusCodes.Status404NotFound, IssueType.NotFound, message);

    public static FhirResult MethodNotAllowed(string message, string allow) =>
        Error(StatusCodes.Status405MethodNotAllowed, IssueType.NotSupported, message).WithHeader("Allow", allow);

    public static FhirResult NotAcceptable(string message) => Error(StatusCodes.Status406NotAcceptable, IssueType.NotSupported, message);

    public static FhirResult Gone(string message) => Error(StatusCodes.Status410Gone, IssueType.Deleted, message);

    /// <summary>422: a valid resource that breaks a rule of this server (the patient mapping, the ledger's rules).</summary>
    public static FhirResult Unprocessable(string message) => Error(StatusCodes.Status422UnprocessableEntity, IssueType.Processing, message);

    public static FhirResult ServerError(string message) => Error(StatusCodes.Status500InternalServerError, IssueType.Exception, message);

    /// <summary>A record service's refusal, as the FHIR answer it amounts to.</summary>
    public static FhirResult From(Refusal refusal) => refusal.Status switch
    {
        StatusCodes.Status400BadRequest => BadRequest(refusal.Detail),
        StatusCodes.Status403Forbidden => Forbidden(refusal.Detail),
        StatusCodes.Status404NotFound => NotFound(refusal.Detail),
        StatusCodes.Status409Conflict => Error(StatusCodes.Status409Conflict, IssueType.Conflict, refusal.Detail),
        StatusCodes.Status410Gone => Gone(refusal.Detail),
        StatusCodes.Status422UnprocessableEntity => Unprocessable(refusal.Detail),
        StatusCodes.Status503ServiceUnavailable => Error(StatusCodes.Status503ServiceUnavailable, IssueType.Transient, refusal.Detail),
        _ => Error(refusal.Status, IssueType.Processing, refusal.Detail),
    };
}

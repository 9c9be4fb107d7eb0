using System.Globalization;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace CareLedger.Node.Fhir;

/// <summary>A FHIR resource as an HTTP answer (application/fhir+json), with the headers FHIR clients read.</summary>
public sealed class FhirResult(Resource resource, int status) : IResult, IStatusCodeHttpResult
{
    public const string ContentType = "application/fhir+json; charset=utf-8";
    private readonly Dictionary<string, string> _headers = [];
    private readonly Resource _resource = resource;
    private Resource? _body = resource;
    private int _status = status;

    public int? StatusCode => _status;

    /// <summary>The resource answered, or null when the answer has no body.</summary>
    public Resource? Resource => _body;

    /// <summary>The same status and headers without a body: Prefer: return=minimal.</summary>
    public FhirResult Minimal()
    {
        _body = null;
        return this;
    }

    /// <summary>304 Not Modified: the client's copy is current; the headers stay, the body goes.</summary>
    public FhirResult NotModified()
    {
        _status = StatusCodes.Status304NotModified;
        return Minimal();
    }

    /// <summary>
    /// The answer to a create or update as the client's Prefer header asks (FHIR R4 §3.1.0.8.2): the resource (the default),
    /// no body (return=minimal) or an OperationOutcome saying what was done (return=OperationOutcome).
    /// </summary>
    public FhirResult AsPreferred(HttpRequest request, string done)
    {
        var prefer = request.Headers["Prefer"].ToString();
        if (prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase)) return Minimal();
        if (prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase))
            _body = new OperationOutcome
            {
                Issue =
                [
                    new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational,
                        Details = new CodeableConcept { Text = done },
                    },
                ],
            };
        return this;
    }

    public FhirResult WithHeader(string name, string value)
    {
        _headers[name] = value;
        return this;
    }

    /// <summary>ETag and Last-Modified from meta.versionId and meta.lastUpdated, as FHIR versioning asks.</summary>
    public FhirResult WithVersionHeaders()
    {
        if (_resource.Meta?.VersionId is { } version) WithHeader("ETag", $"W/\"{version}\"");
        if (_resource.Meta?.LastUpdated is { } updated) WithHeader("Last-Modified", updated.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = _status;
        foreach (var (name, value) in _headers) context.Response.Headers[name] = value;
        if (_body is null)
        {
            if (_status != StatusCodes.Status304NotModified) context.Response.ContentLength = 0;
            return;
        }
        context.Response.ContentType = ContentType;
        await context.Response.Body.WriteAsync(FhirResources.Serialize(_body), context.RequestAborted);
    }
}

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

    public int? StatusCode => status;

    public FhirResult WithHeader(string name, string value)
    {
        _headers[name] = value;
        return this;
    }

    /// <summary>ETag and Last-Modified from meta.versionId and meta.lastUpdated, as FHIR versioning asks.</summary>
    public FhirResult WithVersionHeaders()
    {
        if (resource.Meta?.VersionId is { } version) WithHeader("ETag", $"W/\"{version}\"");
        if (resource.Meta?.LastUpdated is { } updated) WithHeader("Last-Modified", updated.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        foreach (var (name, value) in _headers) context.Response.Headers[name] = value;
        await context.Response.Body.WriteAsync(FhirResources.Serialize(resource), context.RequestAborted);
    }
}

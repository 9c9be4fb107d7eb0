using System.Net;

namespace CareLedger.Client.Api;

/// <summary>A node's refusal, carrying the problem details it answered with.</summary>
public sealed class NodeApiException(HttpStatusCode status, string title, string? detail)
    : Exception(detail is null ? title : $"{title}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
}

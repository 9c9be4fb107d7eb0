using System.Net;
using System.Text.Json.Nodes;

namespace CareLedger.Node.Tests.Support;

/// <summary>Every refusal is RFC 9457 problem details with a title and a detail, and never leaks internals.</summary>
public static class ProblemAssert
{
    public static async Task<JsonObject> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, problem["status"]?.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()), $"no title: {body}");
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), $"no detail: {body}");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return problem;
    }

    public static string Detail(JsonObject problem) => problem["detail"]!.GetValue<string>();
}

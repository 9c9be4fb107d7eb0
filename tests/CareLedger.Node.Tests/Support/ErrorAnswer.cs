using System.Text.Json;
using System.Text.Json.Nodes;

namespace CareLedger.Node.Tests.Support;

/// <summary>What a refusal must be: never a 5xx, and a 4xx with problem details (an OperationOutcome under /fhir).</summary>
public static class ErrorAnswer
{
    /// <summary>Null when the answer is fine (a success, or a 4xx that says why); otherwise what is wrong with it.</summary>
    public static string? Wrong(bool fhir, int status, string? mediaType, string body, bool maySucceed = false)
    {
        if (status is >= 200 and < 400 && maySucceed) return null;
        if (status is < 400 or > 499) return $"{status} {Clip(body)}";
        JsonObject? json;
        try { json = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { json = null; }
        if (fhir)
            return json?["resourceType"]?.GetValue<string>() == "OperationOutcome" ? null : $"{status} {mediaType ?? "without a content type"} is no OperationOutcome: {Clip(body)}";
        if (mediaType != "application/problem+json") return $"{status} {mediaType ?? "without a content type"}, not problem details: {Clip(body)}";
        return string.IsNullOrWhiteSpace(json?["title"]?.GetValue<string>()) ? $"{status} problem details without a title: {Clip(body)}" : null;
    }

    public static void AssertNone(List<string> wrong) =>
        Assert.True(wrong.Count == 0, $"{wrong.Count} wrong answers:\n" + string.Join("\n", wrong.Take(80)));

    private static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;
}

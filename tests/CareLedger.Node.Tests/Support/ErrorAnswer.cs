using System.Text.Json;
using System.Text.Json.Nodes;

namespace CareLedger.Node.Tests.Support;

/// <summary>How a route says no.</summary>
public enum Dialect
{
    /// <summary>RFC 9457 problem details: the native API, and the SMART endpoints a browser or the portal calls.</summary>
    Problem,

    /// <summary>A FHIR OperationOutcome: the FHIR resources under /fhir.</summary>
    OperationOutcome,

    /// <summary>OAuth 2's error answer (RFC 6749 §5.2, JSON with an <c>error</c> code): the SMART token, revocation and introspection endpoints, which apps' OAuth libraries read.</summary>
    OAuth,
}

/// <summary>What a refusal must be: never a 5xx, and a 4xx in its route's dialect.</summary>
public static class ErrorAnswer
{
    /// <summary>The dialect of the route a path (with or without its leading slash and query) belongs to.</summary>
    public static Dialect DialectOf(string path)
    {
        var p = path.TrimStart('/');
        if (p.StartsWith("fhir/auth/token", StringComparison.Ordinal) || p.StartsWith("fhir/auth/revoke", StringComparison.Ordinal)
            || p.StartsWith("fhir/auth/introspect", StringComparison.Ordinal)) return Dialect.OAuth;
        if (p.StartsWith("fhir/auth/", StringComparison.Ordinal) || p.StartsWith("fhir/.well-known/", StringComparison.Ordinal)) return Dialect.Problem;
        return p.StartsWith("fhir", StringComparison.Ordinal) ? Dialect.OperationOutcome : Dialect.Problem;
    }

    /// <summary>True for the FHIR resource routes, which a practitioner's bearer token opens (the rest take a signature or nothing).</summary>
    public static bool TakesFhirBearer(string path) => DialectOf(path) == Dialect.OperationOutcome;

    /// <summary>Null when the answer is fine (a success, or a 4xx that says why); otherwise what is wrong with it.</summary>
    public static string? Wrong(Dialect dialect, int status, string? mediaType, string body, bool maySucceed = false)
    {
        if (status is >= 200 and < 400 && maySucceed) return null;
        if (status is < 400 or > 499) return $"{status} {Clip(body)}";
        JsonObject? json;
        try { json = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { json = null; }
        if (dialect == Dialect.OperationOutcome)
            return json?["resourceType"]?.GetValue<string>() == "OperationOutcome" ? null : $"{status} {mediaType ?? "without a content type"} is no OperationOutcome: {Clip(body)}";
        if (dialect == Dialect.OAuth)
            return mediaType == "application/json" && json?["error"] is JsonValue error && !string.IsNullOrWhiteSpace(error.GetValue<string>())
                ? null : $"{status} {mediaType ?? "without a content type"} is no OAuth error: {Clip(body)}";
        if (mediaType != "application/problem+json") return $"{status} {mediaType ?? "without a content type"}, not problem details: {Clip(body)}";
        return string.IsNullOrWhiteSpace(json?["title"]?.GetValue<string>()) ? $"{status} problem details without a title: {Clip(body)}" : null;
    }

    public static void AssertNone(List<string> wrong) =>
        Assert.True(wrong.Count == 0, $"{wrong.Count} wrong answers:\n" + string.Join("\n", wrong.Take(80)));

    private static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;
}

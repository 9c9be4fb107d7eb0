using System.Net;
using System.Text.Json.Nodes;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// The FHIR resource routes take resource types only (upper-case first): /fhir/auth/… and /fhir/.well-known/… answer in their
/// own dialects whatever the method or content type, and any other unknown path under /fhir is still an OperationOutcome.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartRoutesTests(FhirNode fhir)
{
    [Theory]
    [InlineData("GET", "fhir/auth/token")]
    [InlineData("PUT", "fhir/auth/token")]
    [InlineData("DELETE", "fhir/auth/token")]
    [InlineData("GET", "fhir/auth/revoke")]
    [InlineData("PUT", "fhir/auth/revoke")]
    [InlineData("GET", "fhir/auth/introspect")]
    [InlineData("DELETE", "fhir/auth/introspect")]
    public async Task TokenRevocationAndIntrospectionEndpoints_AnotherMethod_IsAnOAuthError_NotAFhirOne(string method, string path)
    {
        using var response = await SendAsync(method, path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("POST", "fhir/auth/authorize", "GET")]
    [InlineData("post", "fhir/Auth/Authorize", "GET")]
    [InlineData("PUT", "fhir/.well-known/smart-configuration", "GET")]
    [InlineData("DELETE", "fhir/auth/requests/0123abcd", "GET")]
    [InlineData("GET", "fhir/auth/requests/0123abcd/approve", "POST")]
    [InlineData("PUT", "fhir/auth/requests/0123abcd/deny", "POST")]
    public async Task SmartEndpoints_AskedWithAnotherMethod_Are405ProblemsNamingTheirMethod(string method, string path, string allowed)
    {
        using var response = await SendAsync(method, path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(allowed, string.Join(",", response.Content.Headers.Allow));
        Assert.Contains($"takes {allowed}, not {method.ToUpperInvariant()}", body);
    }

    [Theory]
    [InlineData("GET", "fhir/auth")]
    [InlineData("GET", "fhir/auth/requests")]
    [InlineData("GET", "fhir/auth/requests/0123abcd/withdraw")]
    [InlineData("POST", "fhir/auth/authorize/again")]
    [InlineData("GET", "fhir/.well-known/openid-configuration")]
    public async Task SmartPaths_AnUnknownMethodOrPath_IsAProblem_NeverAFhirResourceType(string method, string path)
    {
        using var response = await SendAsync(method, path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No SMART endpoint", body);
        Assert.DoesNotContain("resource type", body);
    }

    [Theory]
    [InlineData("GET", "fhir/observation")]
    [InlineData("GET", "fhir/auths")]
    [InlineData("GET", "fhir/nothing/here")]
    [InlineData("POST", "fhir/authx")]
    public async Task LowerCasePaths_UnderFhir_AreStillAnOperationOutcome404(string method, string path)
    {
        using var response = await SendAsync(method, path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("OperationOutcome", JsonNode.Parse(body)!["resourceType"]!.GetValue<string>());
        Assert.Contains($"{path.Split('/')[1]}", body);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Metadata_AskedWithAnotherMethod_IsA405OperationOutcome_NotAnUnknownResourceType(string method)
    {
        using var response = await SendAsync(method, "fhir/metadata");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET", string.Join(",", response.Content.Headers.Allow));
        Assert.Equal("OperationOutcome", JsonNode.Parse(body)!["resourceType"]!.GetValue<string>());
        Assert.Contains("read with GET /fhir/metadata", body);
        Assert.DoesNotContain("resource type", body);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = new StringContent("x=1", System.Text.Encoding.UTF8, "text/plain");
        return await http.SendAsync(request);
    }
}

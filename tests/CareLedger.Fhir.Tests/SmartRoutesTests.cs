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
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task TokenEndpoint_AnotherMethod_IsAnOAuthError_NotAFhirOne(string method)
    {
        using var response = await SendAsync(method, "fhir/auth/token");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("POST", "fhir/auth/authorize")]
    [InlineData("GET", "fhir/auth")]
    [InlineData("GET", "fhir/auth/requests")]
    [InlineData("POST", "fhir/.well-known/smart-configuration")]
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

    private async Task<HttpResponseMessage> SendAsync(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = new StringContent("x=1", System.Text.Encoding.UTF8, "text/plain");
        return await http.SendAsync(request);
    }
}

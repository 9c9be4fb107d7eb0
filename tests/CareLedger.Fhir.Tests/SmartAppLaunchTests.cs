using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Node.Fhir.Smart;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// SMART on FHIR's standalone patient launch on a real node (ADR 0025): discovery, and every way the authorize and token
/// endpoints refuse; and what an app's token allows on /fhir. The browser journey is PortalSmartAppTests.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartAppLaunchTests(FhirNode fhir)
{
    [Fact]
    public async Task Discovery_IsPublic_AndNamesTheEndpointsPkceAndCapabilities()
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        var config = JsonNode.Parse(await http.GetStringAsync("fhir/.well-known/smart-configuration"))!.AsObject();
        var fhirBase = new Uri(fhir.Node.BaseAddress, "fhir").ToString();

        Assert.Equal(fhirBase + "/auth/authorize", config["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal(fhirBase + "/auth/token", config["token_endpoint"]!.GetValue<string>());
        Assert.Equal(["S256"], config["code_challenge_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["authorization_code"], config["grant_types_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        var capabilities = config["capabilities"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        foreach (var capability in (string[])["launch-standalone", "client-public", "context-standalone-patient", "permission-patient", "permission-v2"])
            Assert.Contains(capability, capabilities);
        Assert.Contains("patient/Observation.rs", config["scopes_supported"]!.AsArray().Select(n => n!.GetValue<string>()));

        using var client = fhir.Client(anonymous: true);
        var statement = await client.CapabilityStatementAsync();
        var security = statement!.Rest.Single().Security!;
        Assert.Equal("SMART-on-FHIR", security.Service.Single().Coding.Single().Code);
        var uris = security.GetExtension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Assert.Equal(fhirBase + "/auth/token", (uris?.GetExtension("token")?.Value as FhirUri)?.Value);
    }

    [Fact]
    public async Task Authorize_UnknownClientOrUnregisteredRedirect_IsAProblemPage_NeverARedirect()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Redirect Check");
        var unknown = app.AuthorizeQuery();
        unknown["client_id"] = "0123456789abcdef0123456789abcdef";
        var elsewhere = app.AuthorizeQuery();
        elsewhere["redirect_uri"] = "https://attacker.example/callback";

        foreach (var (query, says) in new[] { (unknown, "No app is registered"), (elsewhere, "is not registered") })
        {
            using var response = await app.AuthorizeAsync(query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(says, await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("code_challenge", null, "invalid_request")]
    [InlineData("code_challenge_method", "plain", "invalid_request")]
    [InlineData("response_type", "token", "unsupported_response_type")]
    [InlineData("aud", "https://other.example/fhir", "invalid_request")]
    [InlineData("scope", "patient/Observation.write user/Observation.rs", "invalid_scope")]
    public async Task Authorize_ABadRequestFromARegisteredApp_GoesBackToItsRedirectUriWithTheError(string parameter, string? value, string error)
    {
        var app = await SmartApp.RegisterAsync(fhir, "Bad Request " + error);
        var query = app.AuthorizeQuery();
        query[parameter] = value;
        if (value is null) query.Remove(parameter);

        using var response = await app.AuthorizeAsync(query);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(SmartApp.RedirectUri + "?", location.ToString());
        var answer = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(error, answer["error"].ToString());
        Assert.Equal("s-1", answer["state"].ToString());
        Assert.False(answer.ContainsKey("code"));
    }

    [Fact]
    public async Task Token_WithAWrongVerifier_IsInvalidGrant_AndTheCodeStillWorksWithTheRightOne()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Verifier Check");
        var code = await app.CodeAsync();

        var (wrong, refusal) = await app.ExchangeAsync(code, verifier: SmartApp.Base64Url(new byte[32]));
        var (right, token) = await app.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal("invalid_grant", refusal["error"]!.GetValue<string>());
        Assert.Contains("code_verifier", refusal["error_description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, right);
        Assert.Equal(fhir.Patient.Account.ToString(), token["patient"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_AReplayedCode_IsInvalidGrant_AndRevokesTheTokenItIssued()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Replay Check");
        await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, ObservationJson());
        var code = await app.CodeAsync();
        var (_, first) = await app.ExchangeAsync(code);
        var token = first["access_token"]!.GetValue<string>();
        var before = await ReadAsync(token, $"Observation?patient={fhir.Patient.Account}");
        Assert.True(before.Status == HttpStatusCode.OK, $"{before.Status}: {before.Body}");

        var (replayed, refusal) = await app.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, replayed);
        Assert.Equal("invalid_grant", refusal["error"]!.GetValue<string>());
        var (status, body) = await ReadAsync(token, $"Observation?patient={fhir.Patient.Account}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("OperationOutcome", body);
    }

    [Fact]
    public async Task Token_AnExpiredCode_IsInvalidGrant()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Expiry Check");
        var options = fhir.Node.Service<IOptions<SmartOptions>>().Value;
        var lifetime = options.CodeLifetime;
        options.CodeLifetime = TimeSpan.FromMilliseconds(200);
        string code;
        try { code = await app.CodeAsync(); }
        finally { options.CodeLifetime = lifetime; }
        await Task.Delay(400);

        var (status, refusal) = await app.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", refusal["error"]!.GetValue<string>());
        Assert.Contains("expired", refusal["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_AnotherClientOrRedirectUri_IsRefused()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Client Check");
        var other = await SmartApp.RegisterAsync(fhir, "Other Client");
        var code = await app.CodeAsync();

        var (unknown, unknownError) = await app.ExchangeAsync(code, clientId: "0123456789abcdef0123456789abcdef");
        var (otherClient, otherError) = await app.ExchangeAsync(code, clientId: other.App.ClientId);
        var (otherRedirect, redirectError) = await app.ExchangeAsync(code, redirectUri: "https://app.example/elsewhere");

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (unknown, unknownError["error"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (otherClient, otherError["error"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (otherRedirect, redirectError["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Approve_WithAGrantToSomeoneElse_IsRefused_AndIssuesNoCode()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Grant Check");
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        var grant = await fhir.GrantDoctorAsync("treatment", "Observation");

        using var response = await fhir.Node.Client.As(fhir.Patient).SendSignedAsync(a =>
            SignedHttp.Post(fhir.Patient, a, $"/fhir/auth/requests/{requestId}/approve", new { grant }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("is not to the app", await response.Content.ReadAsStringAsync());
        Assert.Equal(["Observation"], (await new AppAuthorizationsClient(fhir.Node.Client).GetAsync(fhir.Patient, requestId)).Types);
    }

    [Fact]
    public async Task AppToken_ReadsOnlyItsPatientsRecordsOfItsTypes_AndNeverWrites()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Scope Check");
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, ObservationJson());
        var token = await app.TokenAsync();

        var read = await ReadAsync(token, $"Observation/{added.Record}");
        var search = await ReadAsync(token, $"Patient/{fhir.Patient.Account}/Observation");
        var otherType = await ReadAsync(token, $"Condition?patient={fhir.Patient.Account}");
        var otherPatient = await ReadAsync(token, $"Patient/{fhir.Doctor}/Observation");
        var consent = await ReadAsync(token, $"Consent?patient={fhir.Patient.Account}");
        using var http = Http(token);
        using var write = await http.PostAsync("Observation", new StringContent(ObservationJson(), System.Text.Encoding.UTF8, "application/fhir+json"));

        Assert.True(read.Status == HttpStatusCode.OK, $"{read.Status}: {read.Body}");
        Assert.Equal(HttpStatusCode.OK, search.Status);
        Assert.Contains(added.Record, search.Body);
        Assert.Equal(HttpStatusCode.Forbidden, otherType.Status);
        Assert.Contains("does not cover Condition", otherType.Body);
        Assert.Equal(HttpStatusCode.Forbidden, otherPatient.Status);
        Assert.Equal(HttpStatusCode.Forbidden, consent.Status);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("OperationOutcome", await write.Content.ReadAsStringAsync());
    }

    private string ObservationJson() => CareLedger.Vault.Fhir.FhirResources.ToJson(fhir.Observation());

    private HttpClient Http(string token)
    {
        var http = new HttpClient { BaseAddress = fhir.FhirBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<(HttpStatusCode Status, string Body)> ReadAsync(string token, string path)
    {
        using var http = Http(token);
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

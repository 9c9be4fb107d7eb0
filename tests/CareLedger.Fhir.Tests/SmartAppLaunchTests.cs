using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
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
        Assert.Equal(fhirBase + "/auth/revoke", config["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal("[\"none\"]", config["revocation_endpoint_auth_methods_supported"]!.ToJsonString());
        Assert.Equal(fhirBase + "/auth/introspect", config["introspection_endpoint"]!.GetValue<string>());
        Assert.Equal(["S256"], config["code_challenge_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["authorization_code", "refresh_token"], config["grant_types_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        var capabilities = config["capabilities"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        foreach (var capability in (string[])["launch-standalone", "client-public", "context-standalone-patient", "permission-patient", "permission-v2"])
            Assert.Contains(capability, capabilities);
        var scopes = config["scopes_supported"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        foreach (var scope in (string[])["patient/Observation.rs", "offline_access", "online_access"]) Assert.Contains(scope, scopes);

        using var client = fhir.Client(anonymous: true);
        var statement = await client.CapabilityStatementAsync();
        var security = statement!.Rest.Single().Security!;
        Assert.Equal("SMART-on-FHIR", security.Service.Single().Coding.Single().Code);
        var uris = security.GetExtension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Assert.Equal(fhirBase + "/auth/token", (uris?.GetExtension("token")?.Value as FhirUri)?.Value);
        Assert.Equal(fhirBase + "/auth/revoke", (uris?.GetExtension("revoke")?.Value as FhirUri)?.Value);
        Assert.Equal(fhirBase + "/auth/introspect", (uris?.GetExtension("introspect")?.Value as FhirUri)?.Value);
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
    public async Task Authorize_AFloodForOneApp_IsCappedForThatApp_AndAnotherAppStillAuthorizes()
    {
        var flooded = await SmartApp.RegisterAsync(fhir, "Flooded App");
        var other = await SmartApp.RegisterAsync(fhir, "Unflooded App");
        var options = fhir.Node.Service<IOptions<SmartOptions>>().Value;
        var perApp = options.MaxPendingPerApp;
        options.MaxPendingPerApp = 3;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var held = await flooded.AuthorizeAsync(flooded.AuthorizeQuery());
                SmartApp.RequestId(held);
            }
            using var refused = await flooded.AuthorizeAsync(flooded.AuthorizeQuery());
            using var elsewhere = await other.AuthorizeAsync(other.AuthorizeQuery());

            Assert.Equal("temporarily_unavailable", QueryHelpers.ParseQuery(refused.Headers.Location!.Query)["error"].ToString());
            Assert.NotEmpty(SmartApp.RequestId(elsewhere));
        }
        finally { options.MaxPendingPerApp = perApp; }
    }

    [Fact]
    public async Task Authorize_LiveTokensAndCodes_DoNotCountAgainstTheRequestBudget()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Budget Check");
        await app.TokenAsync();
        await app.CodeAsync();
        var authorizations = fhir.Node.Service<SmartAuthorizations>();
        var options = fhir.Node.Service<IOptions<SmartOptions>>().Value;
        var max = options.MaxPendingRequests;
        var counts = authorizations.Counts();
        Assert.True(counts.Tokens > 0 && counts.Codes > 0, counts.ToString());
        options.MaxPendingRequests = counts.Requests + 1;
        try
        {
            using var held = await app.AuthorizeAsync(app.AuthorizeQuery());
            using var full = await app.AuthorizeAsync(app.AuthorizeQuery());

            Assert.NotEmpty(SmartApp.RequestId(held));
            Assert.Equal("temporarily_unavailable", QueryHelpers.ParseQuery(full.Headers.Location!.Query)["error"].ToString());
        }
        finally { options.MaxPendingRequests = max; }
    }

    [Fact]
    public async Task Authorize_AStateLongerThanTheLimit_IsInvalidRequest_AndHoldsNothing()
    {
        var app = await SmartApp.RegisterAsync(fhir, "State Length Check");
        var query = app.AuthorizeQuery();
        query["state"] = new string('s', 1025);
        var before = fhir.Node.Service<SmartAuthorizations>().Counts().Requests;

        using var response = await app.AuthorizeAsync(query);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var answer = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("invalid_request", answer["error"].ToString());
        Assert.Contains("state", answer["error_description"].ToString());
        Assert.True(fhir.Node.Service<SmartAuthorizations>().Counts().Requests <= before);
    }

    [Fact]
    public async Task ExpiredRequestsAndTokens_AreSweptOnALaterAuthorize()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Sweep Check");
        var authorizations = fhir.Node.Service<SmartAuthorizations>();
        var options = fhir.Node.Service<IOptions<SmartOptions>>().Value;
        var (requestLifetime, tokenLifetime) = (options.RequestLifetime, options.TokenLifetime);
        options.TokenLifetime = TimeSpan.FromMilliseconds(300);
        try { await app.TokenAsync(); }
        finally { options.TokenLifetime = tokenLifetime; }
        options.RequestLifetime = TimeSpan.FromMilliseconds(300);
        try { using var _ = await app.AuthorizeAsync(app.AuthorizeQuery()); }
        finally { options.RequestLifetime = requestLifetime; }
        var before = authorizations.Counts();
        await Task.Delay(1_200);

        using var later = await app.AuthorizeAsync(app.AuthorizeQuery());

        var after = authorizations.Counts();
        Assert.True(after.Requests <= before.Requests, $"{before} then {after}: the expired request was not swept");
        Assert.True(after.Tokens < before.Tokens, $"{before} then {after}: the expired token was not swept");
    }

    [Fact]
    public async Task Authorize_WithoutState_IsInvalidRequest_BackAtTheRedirectUri()
    {
        var app = await SmartApp.RegisterAsync(fhir, "No State");
        var query = app.AuthorizeQuery();
        query.Remove("state");

        using var response = await app.AuthorizeAsync(query);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(SmartApp.RedirectUri + "?", response.Headers.Location!.ToString());
        var answer = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("invalid_request", answer["error"].ToString());
        Assert.Contains("state is required", answer["error_description"].ToString());
    }

    [Fact]
    public async Task Apps_AnUnreadableAppsJson_KeepsTheLastGoodList_NoServerError()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Survives Bad File");
        using (var before = await app.AuthorizeAsync(app.AuthorizeQuery())) SmartApp.RequestId(before);
        var path = Apps().Path;
        var good = await File.ReadAllTextAsync(path);
        try
        {
            await File.WriteAllTextAsync(path, "[ { \"clientId\": ");

            using var after = await app.AuthorizeAsync(app.AuthorizeQuery());

            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.NotEmpty(SmartApp.RequestId(after));
        }
        finally { await File.WriteAllTextAsync(path, good); }
    }

    [Fact]
    public async Task Apps_AnEntryWithABadRedirectUri_IsLeftOut_SoTheBrowserIsNeverSentThere()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Hand Edited");
        Apps().Add(app.App with { RedirectUris = ["javascript:alert(1)"] });
        var query = app.AuthorizeQuery();
        query["redirect_uri"] = "javascript:alert(1)";

        using var response = await app.AuthorizeAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("No app is registered", await response.Content.ReadAsStringAsync());
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
        var before = await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}");
        Assert.True(before.Status == HttpStatusCode.OK, $"{before.Status}: {before.Body}");

        var (replayed, refusal) = await app.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, replayed);
        Assert.Equal("invalid_grant", refusal["error"]!.GetValue<string>());
        var (status, body) = await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("OperationOutcome", body);
    }

    [Fact]
    public async Task Token_AMultipartBody_IsInvalidRequest_EvenWithoutABoundary()
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        using var noBoundary = new StringContent("grant_type=authorization_code");
        noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        using var multipart = new MultipartFormDataContent { { new StringContent("authorization_code"), "grant_type" } };

        foreach (var content in new HttpContent[] { noBoundary, multipart })
        {
            using var response = await http.PostAsync("fhir/auth/token", content);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
            Assert.Contains("x-www-form-urlencoded", body["error_description"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Token_AFormWithTooManyFields_IsInvalidRequest_NotAServerError()
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        var fields = Enumerable.Range(0, 1100).Select(i => new KeyValuePair<string, string>($"f{i}", "x"));

        using var response = await http.PostAsync("fhir/auth/token", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
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

        using var response = await SmartApp.ApproveAsync(fhir, requestId, grant);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("is not to the app", await response.Content.ReadAsStringAsync());
        Assert.Equal(["Observation"], (await new AppAuthorizationsClient(fhir.Node.Client).GetAsync(fhir.Patient, requestId)).Types);
    }

    [Fact]
    public async Task Approve_WithATreatmentGrantToTheApp_IsRefused_OnlyAReadOnlyAppGrantAnswers()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Purpose Check");
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        var grant = await fhir.Records.GrantAsync(fhir.Patient, app.App.Account, null, "treatment", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));

        using var response = await SmartApp.ApproveAsync(fhir, requestId, grant);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("purpose 'app'", await response.Content.ReadAsStringAsync());
        var request = await new AppAuthorizationsClient(fhir.Node.Client).GetAsync(fhir.Patient, requestId);
        await new AppAuthorizationsClient(fhir.Node.Client).ApproveAsync(fhir.Patient, request, request.Types, DateTimeOffset.UtcNow.AddDays(1));
        var grants = fhir.Node.Ledger.State.Scan(ConsentGrant.Of(fhir.Patient.Account)).Select(g => g.Value).ToList();
        Assert.Contains(grants, g => g.Grantee?.ToString() == app.App.Account && g.Purpose == Purposes.App && !g.Revoked);
    }

    [Fact]
    public async Task Approve_ARequestAnsweredMeanwhile_SignsNoGrant()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Answered Meanwhile");
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var approvals = new AppAuthorizationsClient(fhir.Node.Client);
        var request = await approvals.GetAsync(fhir.Patient, SmartApp.RequestId(authorized));
        await approvals.DenyAsync(fhir.Patient, request.Id);

        var refused = await Assert.ThrowsAsync<NodeApiException>(() => approvals.ApproveAsync(fhir.Patient, request, request.Types, DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Empty(GrantsTo(app));
    }

    [Fact]
    public async Task Approve_RefusedByTheNodeAfterTheGrantWasSigned_RevokesThatGrant()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Refused After Granting");
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        // The request is answered elsewhere (another tab denies it) after the grant is signed, just before /approve arrives.
        var racing = new BeforeHandler(async message =>
        {
            if (message.RequestUri!.AbsolutePath.EndsWith("/approve", StringComparison.Ordinal))
                await new AppAuthorizationsClient(fhir.Node.Client).DenyAsync(fhir.Patient, requestId);
        });
        var approvals = new AppAuthorizationsClient(new NodeClient(new HttpClient(racing) { BaseAddress = fhir.Node.BaseAddress }));
        var request = await approvals.GetAsync(fhir.Patient, requestId);

        var refused = await Assert.ThrowsAsync<NodeApiException>(() => approvals.ApproveAsync(fhir.Patient, request, request.Types, DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        var grant = Assert.Single(GrantsTo(app));
        Assert.True(grant.Revoked, "the grant signed for the refused approval is still in force");
    }

    [Fact]
    public async Task Approve_AgainWithTheSameTypes_ReusesTheGrantInForce_AndBothCodesWork()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Asks Twice");
        var first = await app.CodeAsync();
        var second = await app.CodeAsync();

        var grant = Assert.Single(GrantsTo(app));
        Assert.False(grant.Revoked);
        Assert.Equal(HttpStatusCode.OK, (await app.ExchangeAsync(first)).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.ExchangeAsync(second)).Status);
        await app.CodeAsync("launch/patient patient/Observation.rs patient/Condition.rs");
        Assert.Equal(2, GrantsTo(app).Count);
    }

    [Fact]
    public async Task Approve_AfterTheAppWasRemoved_IsRefused_AndIssuesNoCode()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Removed Before Approval");
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        var grant = await fhir.Records.GrantAsync(fhir.Patient, app.App.Account, null, "app", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(Apps().Remove(app.App.ClientId));

        using var response = await SmartApp.ApproveAsync(fhir, requestId, grant);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("no longer registered", body);
        Assert.DoesNotContain("code=", body);
    }

    [Theory]
    [InlineData("deny")]
    [InlineData("show")]
    public async Task DenyOrShow_AfterTheAppDroppedTheRedirectUri_IsAProblem_NotARedirectThere(string step)
    {
        var app = await SmartApp.RegisterAsync(fhir, "Dropped Redirect " + step);
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        Apps().Add(app.App with { RedirectUris = ["https://app.example/new-callback"] });

        using var response = await fhir.Node.Client.As(fhir.Patient).SendSignedAsync(a => step == "deny"
            ? SignedHttp.Post(fhir.Patient, a, $"/fhir/auth/requests/{requestId}/deny", new { })
            : SignedHttp.Get(fhir.Patient, a, $"/fhir/auth/requests/{requestId}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("no longer registered", body);
        Assert.DoesNotContain(SmartApp.RedirectUri, body);
    }

    [Fact]
    public async Task AppToken_AfterTheClientIdWasReRegisteredWithAnotherKey_IsUnauthorized()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Re-registered");
        var token = await app.TokenAsync();
        var other = await SmartApp.RegisterAsync(fhir, "Another Key");
        Apps().Remove(other.App.ClientId);
        Apps().Add(app.App with { KeyName = other.App.KeyName, Account = other.App.Account });

        var (status, body) = await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("no longer registered", body);
    }

    [Fact]
    public async Task RemovingAnApp_MakesTheNodeForgetItsUnlockedKey_AndItsTokenIsRefused()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Removed After Use");
        var token = await app.TokenAsync();
        var custody = fhir.Node.Service<CareLedger.Node.Fhir.CustodialKeys>();
        Assert.Equal(HttpStatusCode.OK, (await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}")).Status);
        Assert.True(custody.IsUnlocked(app.App.KeyName));

        Assert.True(Apps().Remove(app.App.ClientId));
        var (status, _) = await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(custody.IsUnlocked(app.App.KeyName), "the node still holds the removed app's key in memory");
    }

    private RegisteredApps Apps() => new(Path.Combine(fhir.Node.DataDir, "custodial"));

    private List<ConsentGrant> GrantsTo(SmartApp app) =>
        [.. fhir.Node.Ledger.State.Scan(ConsentGrant.Of(fhir.Patient.Account)).Select(g => g.Value).Where(g => g.Grantee?.ToString() == app.App.Account)];

    private sealed class BeforeHandler(Func<HttpRequestMessage, Task> before) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await before(request);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task AppToken_ReadsOnlyItsPatientsRecordsOfItsTypes_AndNeverWrites()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Scope Check");
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, ObservationJson());
        var token = await app.TokenAsync();

        var read = await SmartApp.ReadAsync(fhir, token, $"Observation/{added.Record}");
        var search = await SmartApp.ReadAsync(fhir, token, $"Patient/{fhir.Patient.Account}/Observation");
        var otherType = await SmartApp.ReadAsync(fhir, token, $"Condition?patient={fhir.Patient.Account}");
        var otherPatient = await SmartApp.ReadAsync(fhir, token, $"Patient/{fhir.Doctor}/Observation");
        var consent = await SmartApp.ReadAsync(fhir, token, $"Consent?patient={fhir.Patient.Account}");
        using var http = SmartApp.Http(fhir, token);
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


}

using System.Net;
using System.Net.Http.Headers;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// CORS for browser-only SMART apps (ADR 0025): discovery and metadata for anyone; the token endpoint and FHIR reads with an
/// app's token only for the origins of that app's redirect URIs; preflights for registered apps' origins; never credentials.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartCorsTests(FhirNode fhir)
{
    private const string AppOrigin = "https://app.example";
    private const string OtherOrigin = "https://elsewhere.example";

    [Theory]
    [InlineData("fhir/.well-known/smart-configuration")]
    [InlineData("fhir/metadata")]
    public async Task DiscoveryAndMetadata_AnyOriginMayRead_WithoutCredentials(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, OtherOrigin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", AllowedOrigin(response));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Token_AnswersTheAppsOwnOrigin_AndNoOther()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Cors Token");
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = "not-a-code", ["redirect_uri"] = SmartApp.RedirectUri, ["client_id"] = app.App.ClientId,
            ["code_verifier"] = app.Verifier,
        };

        using var own = await SendAsync(HttpMethod.Post, "fhir/auth/token", AppOrigin, content: new FormUrlEncodedContent(form));
        using var other = await SendAsync(HttpMethod.Post, "fhir/auth/token", OtherOrigin, content: new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Equal(AppOrigin, AllowedOrigin(own));
        Assert.Contains("Origin", own.Headers.Vary);
        Assert.Null(AllowedOrigin(other));
        Assert.Contains("Origin", other.Headers.Vary);
        Assert.False(own.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-such-app")]
    public async Task Token_AnErrorForARequestNamingNoRegisteredApp_IsReadableFromARegisteredAppsOrigin_AndNoOther(string clientId)
    {
        await SmartApp.RegisterAsync(fhir, $"Cors Token Error {clientId.Length}");
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = "not-a-code", ["redirect_uri"] = SmartApp.RedirectUri };
        if (clientId.Length > 0) form["client_id"] = clientId;

        using var own = await SendAsync(HttpMethod.Post, "fhir/auth/token", AppOrigin, content: new FormUrlEncodedContent(form));
        using var other = await SendAsync(HttpMethod.Post, "fhir/auth/token", OtherOrigin, content: new FormUrlEncodedContent(form));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (own.StatusCode, other.StatusCode));
        Assert.Contains("invalid_client", await own.Content.ReadAsStringAsync());
        Assert.Equal(AppOrigin, AllowedOrigin(own));
        Assert.Null(AllowedOrigin(other));
        Assert.False(own.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task FhirRead_WithAnAppsToken_AnswersOnlyThatAppsOrigin()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Cors Read");
        var other = await SmartApp.RegisterAsync(fhir, "Cors Other App");
        var apps = new CareLedger.Ledger.Cryptography.RegisteredApps(Path.Combine(fhir.Node.DataDir, "custodial"));
        apps.Add(other.App with { RedirectUris = ["https://other-app.example/callback"] });
        var token = await app.TokenAsync();
        var path = $"fhir/Observation?patient={fhir.Patient.Account}";

        using var own = await SendAsync(HttpMethod.Get, path, AppOrigin, token);
        using var otherApps = await SendAsync(HttpMethod.Get, path, "https://other-app.example", token);
        using var practitioner = await SendAsync(HttpMethod.Get, path, AppOrigin, fhir.Token);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(AppOrigin, AllowedOrigin(own));
        Assert.Contains("ETag", string.Join(",", own.Headers.GetValues("Access-Control-Expose-Headers")));
        Assert.Null(AllowedOrigin(otherApps));
        Assert.Null(AllowedOrigin(practitioner));
    }

    [Fact]
    public async Task FhirRead_WithARevokedAppToken_Its401IsReadableFromARegisteredAppsOrigin_SoTheAppCanRefresh()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Cors Revoked");
        var token = await app.TokenAsync();
        var grant = fhir.Node.Ledger.State.Scan(CareLedger.Contracts.Records.ConsentGrant.Of(fhir.Patient.Account))
            .Select(g => g.Value).Single(g => g.Grantee?.ToString() == app.App.Account);
        await fhir.Records.RevokeAsync(fhir.Patient, grant.Id);
        var path = $"fhir/Observation?patient={fhir.Patient.Account}";

        using var own = await SendAsync(HttpMethod.Get, path, AppOrigin, token);
        using var other = await SendAsync(HttpMethod.Get, path, OtherOrigin, token);
        using var practitioner = await SendAsync(HttpMethod.Get, path, AppOrigin, "clf_not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, own.StatusCode);
        Assert.Equal(AppOrigin, AllowedOrigin(own));
        Assert.Null(AllowedOrigin(other));
        Assert.Equal(HttpStatusCode.Unauthorized, practitioner.StatusCode);
        Assert.Null(AllowedOrigin(practitioner));
    }

    [Theory]
    [InlineData("fhir/Observation", "GET")]
    [InlineData("fhir/auth/token", "POST")]
    [InlineData("fhir/auth/revoke", "POST")]
    [InlineData("fhir/auth/introspect", "POST")]
    public async Task Preflight_FromARegisteredAppsOrigin_AllowsAuthorizationAndContentType(string path, string method)
    {
        await SmartApp.RegisterAsync(fhir, "Cors Preflight " + method);

        using var own = await PreflightAsync(path, AppOrigin, method);
        using var other = await PreflightAsync(path, OtherOrigin, method);

        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        Assert.Equal(AppOrigin, AllowedOrigin(own));
        Assert.Equal(method, string.Join(",", own.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("Authorization", string.Join(",", own.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.Contains("Content-Type", string.Join(",", own.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.False(own.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Null(AllowedOrigin(other));
    }

    [Theory]
    [InlineData("fhir/auth/authorize")]
    [InlineData("v1/chain")]
    [InlineData("portal/")]
    public async Task PortalAndNativeApi_GetNoCorsHeaders_EvenForAnAppsOrigin(string path)
    {
        await SmartApp.RegisterAsync(fhir, "Cors Elsewhere");

        using var response = await SendAsync(HttpMethod.Get, path, AppOrigin);
        using var preflight = await PreflightAsync(path, AppOrigin, "GET");

        Assert.Null(AllowedOrigin(response));
        Assert.Null(AllowedOrigin(preflight));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string origin, string? token = null, HttpContent? content = null)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fhir.Node.BaseAddress };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Origin", origin);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method)
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        return await http.SendAsync(request);
    }

    private static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// A third-party SMART app on the test node: registered as <c>careledger fhir app register</c> does (a key the node holds,
/// enrolled by the clinic's admin as a service and published, then apps.json), and the OAuth steps it takes over plain HTTP.
/// The patient's side, which the portal does in a browser (PortalSmartAppTests), is done here with the same SDK client.
/// </summary>
internal sealed class SmartApp
{
    public const string RedirectUri = "https://app.example/callback";
    private readonly SmartNode _fhir;

    private SmartApp(SmartNode fhir, RegisteredApp app) => (_fhir, App) = (fhir, app);

    public RegisteredApp App { get; }
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));
    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));
    public string Aud => new Uri(_fhir.BaseAddress, "fhir").ToString();

    /// <summary>An HTTP client for the node's FHIR base that carries an app's bearer token.</summary>
    public static HttpClient Http(SmartNode fhir, string token)
    {
        var http = new HttpClient { BaseAddress = fhir.FhirBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A GET with an app's token: the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> ReadAsync(SmartNode fhir, string token, string path)
    {
        using var http = Http(fhir, token);
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The demo patient's answer to a pending request with a grant, sent as the portal sends it (signed by the patient).</summary>
    public static Task<HttpResponseMessage> ApproveAsync(SmartNode fhir, string requestId, string grant) =>
        fhir.Client.As(fhir.Patient).SendSignedAsync(a => SignedHttp.Post(fhir.Patient, a, $"/fhir/auth/requests/{requestId}/approve", new { grant }));

    public static async Task<SmartApp> RegisterAsync(SmartNode fhir, string name)
    {
        var keys = new KeyStore(Path.Combine(fhir.DataDir, "demo-keys"));
        using var admin = keys.Load("clinic-admin", "demo");
        using var appKey = SigningKey.Generate();
        await new MembershipClient(fhir.Client.As(admin)).RegisterAsync(admin, appKey.Account, "service", name);
        await new RecordsClient(fhir.Client.As(appKey)).PublishKeyAsync(appKey);
        var custodial = Path.Combine(fhir.DataDir, "custodial");
        var clientId = RegisteredApps.NewClientId();
        new KeyStore(custodial).Save(RegisteredApps.KeyPrefix + clientId, appKey, "test-node-passphrase");
        var app = new RegisteredApp(clientId, name, [RedirectUri], RegisteredApps.KeyPrefix + clientId, appKey.Account.ToString(), DateTimeOffset.UtcNow);
        new RegisteredApps(custodial).Add(app);
        return new SmartApp(fhir, app);
    }

    public Dictionary<string, string?> AuthorizeQuery(string scope = "launch/patient patient/Observation.rs") => new()
    {
        ["response_type"] = "code", ["client_id"] = App.ClientId, ["redirect_uri"] = RedirectUri, ["state"] = "s-1", ["scope"] = scope, ["aud"] = Aud,
        ["code_challenge"] = Challenge, ["code_challenge_method"] = "S256",
    };

    /// <summary>The browser's first step, without following the redirect it answers.</summary>
    public async Task<HttpResponseMessage> AuthorizeAsync(Dictionary<string, string?> query)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _fhir.BaseAddress };
        return await http.GetAsync(QueryHelpers.AddQueryString("fhir/auth/authorize", query));
    }

    /// <summary>Authorizes, and has the patient allow the app in full with a grant (as the portal does); answers the code.</summary>
    public async Task<string> CodeAsync(string scope = "launch/patient patient/Observation.rs", SigningKey? patient = null, DateTimeOffset? until = null)
    {
        patient ??= _fhir.Patient;
        using var response = await AuthorizeAsync(AuthorizeQuery(scope));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"authorize answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var requestId = RequestId(response);
        var approvals = new AppAuthorizationsClient(_fhir.Client);
        var request = await approvals.GetAsync(patient, requestId);
        var decision = await approvals.ApproveAsync(patient, request, request.Types, until ?? DateTimeOffset.UtcNow.AddDays(1));
        return QueryHelpers.ParseQuery(new Uri(decision.Redirect).Query)["code"].ToString();
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> ExchangeAsync(string code, string? verifier = null, string? clientId = null, string redirectUri = RedirectUri) =>
        PostTokenAsync(_fhir.BaseAddress, new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri, ["client_id"] = clientId ?? App.ClientId,
            ["code_verifier"] = verifier ?? Verifier,
        });

    /// <summary>grant_type=refresh_token at the token endpoint.</summary>
    public Task<(HttpStatusCode Status, JsonObject Body)> RefreshAsync(string refreshToken, string? scope = null, string? clientId = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = clientId ?? App.ClientId };
        if (scope is not null) form["scope"] = scope;
        return PostTokenAsync(_fhir.BaseAddress, form);
    }

    /// <summary>Posts to the revocation endpoint (RFC 7009): the status and the body as text (empty on success).</summary>
    public async Task<(HttpStatusCode Status, string Body)> RevokeAsync(string token, string? clientId = null)
    {
        using var http = new HttpClient { BaseAddress = _fhir.BaseAddress };
        using var response = await http.PostAsync("fhir/auth/revoke",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["client_id"] = clientId ?? App.ClientId }));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts to the introspection endpoint (RFC 7662): the status, the Cache-Control header and the JSON answer.</summary>
    public async Task<(HttpStatusCode Status, string? CacheControl, JsonObject Body)> IntrospectAsync(string token, string? clientId = null)
    {
        using var http = new HttpClient { BaseAddress = _fhir.BaseAddress };
        using var response = await http.PostAsync("fhir/auth/introspect",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["client_id"] = clientId ?? App.ClientId }));
        return (response.StatusCode, response.Headers.CacheControl?.ToString(), JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostTokenAsync(Uri node, Dictionary<string, string> form)
    {
        using var http = new HttpClient { BaseAddress = node };
        using var response = await http.PostAsync("fhir/auth/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public async Task<string> TokenAsync(string scope = "launch/patient patient/Observation.rs", SigningKey? patient = null) =>
        (await TokenAnswerAsync(scope, patient))["access_token"]!.GetValue<string>();

    /// <summary>The token endpoint's whole answer for a fresh authorization: the access token, and a refresh token when the scope asks.</summary>
    public async Task<JsonObject> TokenAnswerAsync(string scope = "launch/patient patient/Observation.rs", SigningKey? patient = null, DateTimeOffset? until = null)
    {
        var (status, body) = await ExchangeAsync(await CodeAsync(scope, patient, until));
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"token answered {(int)status}: {body}");
        return body;
    }

    /// <summary>The pending request's id in the portal address that authorize sends the browser to (a path on the node).</summary>
    public static string RequestId(HttpResponseMessage authorized)
    {
        var location = authorized.Headers.Location!;
        Assert.StartsWith("/portal/apps/approve?request=", location.OriginalString);
        return QueryHelpers.ParseQuery(location.OriginalString[location.OriginalString.IndexOf('?')..])["request"].ToString();
    }

    /// <summary>The access token of a token answer.</summary>
    public static string Access(JsonObject answer) => answer["access_token"]!.GetValue<string>();

    /// <summary>The refresh token of a token answer.</summary>
    public static string Refresh(JsonObject answer) => answer["refresh_token"]!.GetValue<string>();

    /// <summary>How the node keeps a refresh token in smart-refresh.json: the SHA-256 of the token, in lower-case hex.</summary>
    public static string StoredHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The node a SMART app talks to: the collection's in-process node, or a node process a test restarts.</summary>
internal sealed record SmartNode(Uri BaseAddress, NodeClient Client, string DataDir, SigningKey Patient)
{
    public Uri FhirBase => new(BaseAddress, "fhir/");

    public static implicit operator SmartNode(FhirNode fhir) => new(fhir.Node.BaseAddress, fhir.Node.Client, fhir.Node.DataDir, fhir.Patient);
}

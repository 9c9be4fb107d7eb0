using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// SMART on FHIR's standalone patient launch, end to end (ADR 0025): the test plays a third-party app registered with the real
/// careledger CLI. The browser goes from the app's authorize URL to the node, to the portal where the demo patient signs in
/// and allows the app (a grant on the ledger, signed in the browser), and back to the app's redirect URI with a code, which
/// the app exchanges with its PKCE verifier for a token. With it the app reads the patient's Observations (each read in the
/// patient's access log as the app's), is refused what the patient did not allow, and is refused once the patient revokes.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalSmartAppTests(BrowserFixture fx) : IDisposable
{
    private const string RedirectUri = "https://vitals-diary.example/callback";
    private readonly DemoPeople _people = new(fx);
    private readonly HttpClient _app = new() { BaseAddress = fx.Node.BaseAddress };

    [Fact]
    public async Task AnApp_ThePatientAllowsInThePortal_ReadsTheirObservations_NotOtherTypes_AndStopsWhenThePatientRevokes()
    {
        var patient = _people.Key("patient-jones");
        var value = Random.Shared.Next(40, 99);
        await new RecordsClient(fx.Node.Client).AddAsync(patient, patient.Account,
            $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/{{{patient.Account}}}"},"valueQuantity":{"value":{{{value}}}.5,"unit":"kg"}}""");
        var (clientId, appAccount) = await RegisterAppAsync("Vitals Diary");

        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(8));
        var authorize = QueryHelpers.AddQueryString(new Uri(fx.Node.BaseAddress, "fhir/auth/authorize").ToString(), new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = clientId, ["redirect_uri"] = RedirectUri, ["state"] = state,
            ["scope"] = "launch/patient patient/Observation.rs", ["aud"] = new Uri(fx.Node.BaseAddress, "fhir").ToString(),
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), ["code_challenge_method"] = "S256",
        });

        await using var context = await fx.Browser.NewContextAsync();
        var redirected = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.RouteAsync("https://vitals-diary.example/**", async route =>
        {
            redirected.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<h1>Vitals Diary</h1>" });
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(authorize);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" }).ClickAsync(new() { Timeout = Slow });
        var request = page.GetByTestId("app-request");
        await Assertions.Expect(request).ToContainTextAsync("Vitals Diary asks to read these records of yours", new() { Timeout = Slow });
        await Assertions.Expect(request.GetByLabel("Read your measurement or result records")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("app-renews")).ToHaveCountAsync(0); // no offline_access asked: nothing renews on its own
        await ScreenshotAsync(page, "patient-allows-an-app");
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true }).ClickAsync();

        var callback = await redirected.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal(state, query["state"].ToString());
        var token = await ExchangeAsync(clientId, query["code"].ToString(), verifier);
        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        Assert.Equal(patient.Account.ToString(), token["patient"]!.GetValue<string>());
        Assert.Equal("launch/patient patient/Observation.rs", token["scope"]!.GetValue<string>());
        var bearer = token["access_token"]!.GetValue<string>();

        var (status, bundle) = await FhirAsync(bearer, $"fhir/Observation?patient={patient.Account}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"{value}.5", bundle);
        Assert.True(await AppReadIsLoggedAsync(patient, appAccount), "the patient's access log names no read by the app's account");

        var (otherType, refusal) = await FhirAsync(bearer, $"fhir/Condition?patient={patient.Account}");
        Assert.Equal(HttpStatusCode.Forbidden, otherType);
        Assert.Contains("OperationOutcome", refusal);
        var (otherPatient, _) = await FhirAsync(bearer, $"fhir/Observation?patient={_people.Key("dr-rivera").Account}");
        Assert.Equal(HttpStatusCode.Forbidden, otherPatient);

        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/sharing").ToString());
        var row = page.GetByTestId("grants").Locator("tr", new() { HasText = "Vitals Diary" }).Filter(new() { HasText = "in force" });
        await Assertions.Expect(row).ToContainTextAsync("in an app you chose, never change them", new() { Timeout = Slow });
        await row.GetByRole(AriaRole.Button, new() { Name = "Stop sharing with Vitals Diary" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("grants").Locator("tr", new() { HasText = "Vitals Diary" }).Filter(new() { HasText = "withdrawn" }))
            .ToHaveCountAsync(1, new() { Timeout = Slow });

        var (revoked, outcome) = await FhirAsync(bearer, $"fhir/Observation?patient={patient.Account}");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked);
        Assert.Contains("revoked", outcome);
    }

    [Fact]
    public async Task AnApp_ThePatientDoesNotAllow_GetsAccessDeniedAndNoCode()
    {
        var (clientId, _) = await RegisterAppAsync("Step Counter");
        var state = Base64Url(RandomNumberGenerator.GetBytes(8));
        var authorize = QueryHelpers.AddQueryString(new Uri(fx.Node.BaseAddress, "fhir/auth/authorize").ToString(), new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = clientId, ["redirect_uri"] = RedirectUri, ["state"] = state,
            ["scope"] = "patient/Observation.rs patient/Condition.rs", ["aud"] = new Uri(fx.Node.BaseAddress, "fhir").ToString(),
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Base64Url(RandomNumberGenerator.GetBytes(32))))), ["code_challenge_method"] = "S256",
        });
        await using var context = await fx.Browser.NewContextAsync();
        var redirected = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.RouteAsync("https://vitals-diary.example/**", async route =>
        {
            redirected.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<h1>Step Counter</h1>" });
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(authorize);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("app-request").GetByLabel("Read your condition records")).ToBeCheckedAsync(new() { Timeout = Slow });
        await page.GetByRole(AriaRole.Button, new() { Name = "Do not allow" }).ClickAsync();

        var query = QueryHelpers.ParseQuery((await redirected.Task.WaitAsync(TimeSpan.FromSeconds(60))).Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal(state, query["state"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task ABrowserOnlyApp_OnItsOwnOrigin_ExchangesItsCodeAndReadsWithFetch_WhileAnUnregisteredOriginCannotRead_ThenAsksAboutItsTokenAndSignsOut()
    {
        var patient = _people.Key("patient-jones");
        await new RecordsClient(fx.Node.Client).AddAsync(patient, patient.Account,
            $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/{{{patient.Account}}}"},"valueQuantity":{"value":36.6,"unit":"Cel"}}""");
        using var site = new StaticSite();
        var redirectUri = site.Origin + "/callback";
        var (clientId, _) = await RegisterAppAsync("Browser Thermometer", redirectUri);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var authorize = QueryHelpers.AddQueryString(new Uri(fx.Node.BaseAddress, "fhir/auth/authorize").ToString(), new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["state"] = "browser-state",
            ["scope"] = "launch/patient offline_access patient/Observation.rs", ["aud"] = new Uri(fx.Node.BaseAddress, "fhir").ToString(),
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), ["code_challenge_method"] = "S256",
        });

        await using var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(authorize);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("app-request")).ToContainTextAsync("Browser Thermometer asks to read", new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("app-renews")).ToContainTextAsync("Browser Thermometer also asks to keep reading while you are away");
        await ScreenshotAsync(page, "patient-allows-an-app-that-renews");
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(redirectUri + "?**", new() { Timeout = Slow });

        // The app's own page, on its own origin, does the rest with fetch() alone: no backend.
        var answer = await page.EvaluateAsync<JsonElement>(BrowserAppScript, new { fhir = new Uri(fx.Node.BaseAddress, "fhir").ToString(), clientId, redirectUri, verifier });
        Assert.Equal(200, answer.GetProperty("tokenStatus").GetInt32());
        Assert.Equal(patient.Account.ToString(), answer.GetProperty("patient").GetString());
        Assert.True(answer.GetProperty("hasRefreshToken").GetBoolean());
        Assert.Equal(200, answer.GetProperty("readStatus").GetInt32());
        Assert.Contains("8310-5", answer.GetProperty("bundle").GetString());

        using var stranger = new StaticSite();
        var elsewhere = await context.NewPageAsync();
        await elsewhere.GotoAsync(stranger.Origin + "/");
        var refused = await elsewhere.EvaluateAsync<string>("""
            async ({ url, token }) => {
              try { await fetch(url, { headers: { Authorization: 'Bearer ' + token } }); return 'read'; }
              catch (e) { return 'blocked: ' + e.name; }
            }
            """, new { url = new Uri(fx.Node.BaseAddress, $"fhir/Observation?patient={patient.Account}").ToString(), token = answer.GetProperty("accessToken").GetString() });
        Assert.Equal("blocked: TypeError", refused);

        // Asking about its token, then signing out, from the app's own page: every answer is readable there.
        var signedOut = await page.EvaluateAsync<JsonElement>(SignOutScript, new
        {
            fhir = new Uri(fx.Node.BaseAddress, "fhir").ToString(), clientId, patient = patient.Account.ToString(),
            refreshToken = answer.GetProperty("refreshToken").GetString(), accessToken = answer.GetProperty("accessToken").GetString(),
        });
        Assert.Equal(patient.Account.ToString(), signedOut.GetProperty("before").GetProperty("patient").GetString());
        Assert.True(signedOut.GetProperty("before").GetProperty("active").GetBoolean());
        Assert.Equal(200, signedOut.GetProperty("revokeStatus").GetInt32());
        Assert.Equal(401, signedOut.GetProperty("readStatus").GetInt32());
        Assert.False(signedOut.GetProperty("after").GetProperty("active").GetBoolean());
    }

    /// <summary>
    /// A browser-only app asking about its access token (RFC 7662), signing out (RFC 7009), trying to read with the access
    /// token it held, and asking again: every answer readable on the app's own origin.
    /// </summary>
    private const string SignOutScript = """
        async ({ fhir, clientId, patient, refreshToken, accessToken }) => {
          const form = token => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                                   body: new URLSearchParams({ token, client_id: clientId }) });
          const before = await (await fetch(fhir + '/auth/introspect', form(accessToken))).json();
          const revoke = await fetch(fhir + '/auth/revoke', form(refreshToken));
          const read = await fetch(fhir + '/Observation?patient=' + patient, { headers: { Authorization: 'Bearer ' + accessToken } });
          const after = await (await fetch(fhir + '/auth/introspect', form(accessToken))).json();
          return { before, revokeStatus: revoke.status, readStatus: read.status, after };
        }
        """;

    /// <summary>A browser-only SMART app's second half: the code from its address, the token exchange, and a FHIR search.</summary>
    private const string BrowserAppScript = """
        async ({ fhir, clientId, redirectUri, verifier }) => {
          const code = new URL(location.href).searchParams.get('code');
          const tokenResponse = await fetch(fhir + '/auth/token', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
          });
          const token = await tokenResponse.json();
          const read = await fetch(fhir + '/Observation?patient=' + token.patient, {
            headers: { Authorization: 'Bearer ' + token.access_token, Accept: 'application/fhir+json' },
          });
          return { tokenStatus: tokenResponse.status, patient: token.patient, accessToken: token.access_token, refreshToken: token.refresh_token ?? null,
                   hasRefreshToken: !!token.refresh_token,
                   readStatus: read.status, bundle: await read.text() };
        }
        """;

    /// <summary>A browser-only app's static site on its own loopback origin (another port than the node's).</summary>
    private sealed class StaticSite : IDisposable
    {
        private readonly HttpListener _listener = new();

        public StaticSite()
        {
            Origin = $"http://127.0.0.1:{LoopbackPort.Free()}";
            _listener.Prefixes.Add(Origin + "/");
            _listener.Start();
            _ = ServeAsync();
        }

        public string Origin { get; }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                var page = Encoding.UTF8.GetBytes("<!doctype html><title>Browser Thermometer</title><h1>Browser Thermometer</h1>");
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }

    /// <summary>The operator registers the app with the real CLI on the node's data folder, signed by the clinic's admin.</summary>
    private async Task<(string ClientId, string Account)> RegisterAppAsync(string name, string redirectUri = RedirectUri)
    {
        var (exit, output, errors) = await CliAsync("fhir", "app", "register", "--data", fx.Node.DataDir, "--name", name, "--redirect-uri", redirectUri,
            "--key", "clinic-admin", "--keystore", Path.Combine(fx.Node.DataDir, "demo-keys"));
        Assert.True(exit == 0, $"careledger exited {exit}: {errors}{output}");
        var app = new CareLedger.Ledger.Cryptography.RegisteredApps(Path.Combine(fx.Node.DataDir, "custodial")).Read().Last(a => a.Name == name);
        Assert.Contains(app.ClientId, output);
        return (app.ClientId, app.Account);
    }

    /// <summary>Access-log entries are committed in batches shortly after the read (ADR 0005): waits for the app's.</summary>
    private async Task<bool> AppReadIsLoggedAsync(CareLedger.Ledger.Cryptography.SigningKey patient, string appAccount)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await new RecordsClient(fx.Node.Client).AccessLogAsync(patient)).Any(e => e.Reader == appAccount && e.Type == "Observation" && e.Outcome == "granted"))
                return true;
        return false;
    }

    private async Task<JsonObject> ExchangeAsync(string clientId, string code, string verifier)
    {
        using var response = await _app.PostAsync("fhir/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri, ["client_id"] = clientId, ["code_verifier"] = verifier,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private async Task<(HttpStatusCode, string)> FhirAsync(string bearer, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await _app.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int ExitCode, string Output, string Errors)> CliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(NodeProcess.RepoRoot, "src", "CareLedger.Cli", "bin", NodeProcess.Configuration, "net10.0", "careledger.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CARELEDGER_PASSPHRASE"] = "demo";
        psi.Environment["CARELEDGER_NODE_PASSPHRASE"] = "test-node-passphrase";
        psi.Environment["CARELEDGER_NODE"] = fx.Node.BaseAddress.ToString().TrimEnd('/');
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _people.Dispose();
        _app.Dispose();
    }
}

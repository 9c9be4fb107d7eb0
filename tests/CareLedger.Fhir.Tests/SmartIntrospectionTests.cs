using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Fhir.Smart;

using static CareLedger.Fhir.Tests.SmartApp;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// Token introspection (RFC 7662, ADR 0025): an app asks whether one of its own tokens still works. Active tokens say their
/// scope, client, patient and expiry; anything else — another client's, unknown, revoked, spent, of an app re-registered
/// with another key, or behind a grant the patient ended or that expired — is only <c>{"active":false}</c>. Asking changes nothing.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartIntrospectionTests(FhirNode fhir)
{
    private const string Offline = "launch/patient offline_access patient/Observation.rs";

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    public async Task Introspect_ALiveToken_IsActive_WithItsScopeClientPatientAndExpiry_AndTheTokenStillWorks(string which)
    {
        var app = await SmartApp.RegisterAsync(fhir, "Introspects " + which);
        var answer = await app.TokenAnswerAsync(Offline);
        var before = DateTimeOffset.UtcNow;

        var (status, cacheControl, body) = await app.IntrospectAsync(answer[which]!.GetValue<string>());

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("no-store", cacheControl);
        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal(answer["scope"]!.GetValue<string>(), body["scope"]!.GetValue<string>());
        Assert.Equal(app.App.ClientId, body["client_id"]!.GetValue<string>());
        Assert.Equal(fhir.Patient.Account.ToString(), body["patient"]!.GetValue<string>());
        var exp = DateTimeOffset.FromUnixTimeSeconds(body["exp"]!.GetValue<long>());
        if (which == "access_token")
        {
            Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
            Assert.InRange(exp, before.AddMinutes(59), before.AddMinutes(61)); // the access token's hour
        }
        else
        {
            Assert.Null(body["token_type"]); // not a bearer token: it opens nothing on /fhir
            Assert.Equal(GrantTo(app).Expiry / 1000, exp.ToUnixTimeSeconds()); // thirty days, but never past the patient's one-day grant
        }
        Assert.Equal(HttpStatusCode.OK, (await SmartApp.ReadAsync(fhir, Access(answer), $"Observation?patient={fhir.Patient.Account}")).Status);
        var (refreshed, refreshAnswer) = await app.RefreshAsync(Refresh(answer));
        Assert.True(refreshed == HttpStatusCode.OK, refreshAnswer.ToJsonString()); // introspection spent nothing
    }

    [Fact]
    public async Task Introspect_AnotherClientsUnknownOrMalformedToken_IsOnlyInactive()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Keeps Its Tokens To Itself");
        var stranger = await SmartApp.RegisterAsync(fhir, "Scans For Tokens");
        var answer = await app.TokenAnswerAsync(Offline);

        var answers = new[]
        {
            await stranger.IntrospectAsync(Access(answer)),
            await stranger.IntrospectAsync(Refresh(answer)),
            await app.IntrospectAsync(SmartAuthorizations.TokenPrefix + "not-a-token"),
            await app.IntrospectAsync(SmartAuthorizations.RefreshPrefix + "not-a-token"),
            await app.IntrospectAsync("anything at all"),
        };

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, """{"active":false}"""), (a.Status, a.Body.ToJsonString())));
        Assert.True((await app.IntrospectAsync(Access(answer))).Body["active"]!.GetValue<bool>()); // its owner still sees it
    }

    [Fact]
    public async Task Introspect_ASpentRefreshToken_IsInactive_AndItsSuccessorActive()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Rotates Then Introspects");
        var first = await app.TokenAnswerAsync(Offline);
        var (status, second) = await app.RefreshAsync(Refresh(first));
        Assert.True(status == HttpStatusCode.OK, second.ToJsonString());

        var spent = await app.IntrospectAsync(Refresh(first));
        var successor = await app.IntrospectAsync(Refresh(second));

        Assert.Equal("""{"active":false}""", spent.Body.ToJsonString());
        Assert.True(successor.Body["active"]!.GetValue<bool>());
        Assert.True((await app.IntrospectAsync(Refresh(second))).Body["active"]!.GetValue<bool>()); // asking about it did not spend it either
    }

    [Fact]
    public async Task Introspect_AfterTheAppSignsOut_BothTokensAreInactive()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Signs Out Then Introspects");
        var answer = await app.TokenAnswerAsync(Offline);

        Assert.Equal(HttpStatusCode.OK, (await app.RevokeAsync(Refresh(answer))).Status);

        await AssertBothInactiveAsync(app, answer);
    }

    [Fact]
    public async Task Introspect_AfterThePatientStopsSharing_BothTokensAreInactive()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Patient Stops Sharing Then Introspects");
        var answer = await app.TokenAnswerAsync(Offline);
        Assert.True((await app.IntrospectAsync(Access(answer))).Body["active"]!.GetValue<bool>());

        await fhir.Records.RevokeAsync(fhir.Patient, GrantTo(app).Id);

        await AssertBothInactiveAsync(app, answer);
    }

    [Fact]
    public async Task Introspect_OnceThePatientsGrantHasEnded_BothTokensAreInactive()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Introspects After The Grant Ends");
        var answer = await app.TokenAnswerAsync(Offline, until: DateTimeOffset.UtcNow.AddSeconds(8));
        Assert.True((await app.IntrospectAsync(Refresh(answer))).Body["active"]!.GetValue<bool>());

        var ends = DateTimeOffset.FromUnixTimeMilliseconds(GrantTo(app).Expiry);
        if (ends - DateTimeOffset.UtcNow is { Ticks: > 0 } wait) await Task.Delay(wait + TimeSpan.FromMilliseconds(200));

        await AssertBothInactiveAsync(app, answer);
    }

    [Fact]
    public async Task Introspect_AfterTheAppWasReRegisteredWithAnotherKey_BothTokensAreInactive()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Introspects Re-registered");
        var answer = await app.TokenAnswerAsync(Offline);
        var other = await SmartApp.RegisterAsync(fhir, "Introspects Another Key");
        var apps = new RegisteredApps(Path.Combine(fhir.Node.DataDir, "custodial"));
        apps.Remove(other.App.ClientId);
        apps.Add(app.App with { KeyName = other.App.KeyName, Account = other.App.Account });

        await AssertBothInactiveAsync(app, answer);
    }

    [Fact]
    public async Task Introspect_ByAnAppNoLongerRegistered_IsInvalidClient()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Removed Then Introspects");
        var answer = await app.TokenAnswerAsync(Offline);
        Assert.True(new RegisteredApps(Path.Combine(fhir.Node.DataDir, "custodial")).Remove(app.App.ClientId));

        var (status, _, body) = await app.IntrospectAsync(Access(answer));

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body["error"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("token=", "invalid_request", HttpStatusCode.BadRequest)]
    [InlineData("token=cla_x", "invalid_client", HttpStatusCode.Unauthorized)]
    [InlineData("token=cla_x&client_id=no-such-app", "invalid_client", HttpStatusCode.Unauthorized)]
    [InlineData("token=cla_x&token=cla_y&client_id=x", "invalid_request", HttpStatusCode.BadRequest)]
    public async Task Introspect_AMalformedRequest_IsAnOAuthError(string form, string error, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        using var response = await http.PostAsync("fhir/auth/introspect", new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"));
        using var json = await http.PostAsync("fhir/auth/introspect", new StringContent("{\"token\":\"cla_x\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(error, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private ConsentGrant GrantTo(SmartApp app) =>
        fhir.Node.Ledger.State.Scan(ConsentGrant.Of(fhir.Patient.Account)).Select(g => g.Value).Single(g => g.Grantee?.ToString() == app.App.Account);

    /// <summary>Both tokens of the answer are only <c>{"active":false}</c> to their own app.</summary>
    private static async Task AssertBothInactiveAsync(SmartApp app, JsonObject answer)
    {
        Assert.Equal("""{"active":false}""", (await app.IntrospectAsync(Access(answer))).Body.ToJsonString());
        Assert.Equal("""{"active":false}""", (await app.IntrospectAsync(Refresh(answer))).Body.ToJsonString());
    }
}

using System.Net;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Fhir.Smart;

using static CareLedger.Fhir.Tests.SmartApp;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// Refresh tokens for SMART apps (ADR 0025): offline_access or online_access earns one; each refresh rotates it; a spent one used
/// again revokes the whole authorization; and no refresh outlives, or widens, the patient's ledger grant.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartRefreshTokenTests(FhirNode fhir)
{
    private const string Offline = "launch/patient offline_access patient/Observation.rs";

    [Theory]
    [InlineData("offline_access")]
    [InlineData("online_access")]
    public async Task Token_WithARefreshScope_AnswersARefreshToken_AndGrantsThatScope(string refreshScope)
    {
        var app = await SmartApp.RegisterAsync(fhir, "Refresh Scope " + refreshScope);

        var answer = await app.TokenAnswerAsync($"launch/patient {refreshScope} patient/Observation.rs");

        Assert.StartsWith("clr_", answer["refresh_token"]!.GetValue<string>());
        Assert.Equal($"launch/patient {refreshScope} patient/Observation.rs", answer["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_WithoutARefreshScope_AnswersNoRefreshToken()
    {
        var app = await SmartApp.RegisterAsync(fhir, "No Refresh Scope");

        var answer = await app.TokenAnswerAsync();

        Assert.False(answer.ContainsKey("refresh_token"), answer.ToJsonString());
    }

    [Fact]
    public async Task Refresh_AnswersANewAccessTokenThatReads_AndANewRefreshToken()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Rotates");
        await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, CareLedger.Vault.Fhir.FhirResources.ToJson(fhir.Observation()));
        var first = await app.TokenAnswerAsync(Offline);

        var (status, second) = await app.RefreshAsync(Refresh(first));

        Assert.True(status == HttpStatusCode.OK, second.ToJsonString());
        Assert.NotEqual(Access(first), Access(second));
        Assert.NotEqual(Refresh(first), Refresh(second));
        Assert.Equal(Offline, second["scope"]!.GetValue<string>());
        Assert.Equal(fhir.Patient.Account.ToString(), second["patient"]!.GetValue<string>());
        var (read, body) = await SmartApp.ReadAsync(fhir, Access(second), $"Observation?patient={fhir.Patient.Account}");
        Assert.True(read == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task Refresh_WithASpentRefreshToken_IsInvalidGrant_AndRevokesEveryTokenOfTheAuthorization()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Reuse Detected");
        var first = await app.TokenAnswerAsync(Offline);
        var (_, second) = await app.RefreshAsync(Refresh(first));

        var (reused, refusal) = await app.RefreshAsync(Refresh(first));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (reused, refusal["error"]!.GetValue<string>()));
        Assert.Contains("used already", refusal["error_description"]!.GetValue<string>());
        foreach (var token in new[] { Access(first), Access(second) })
            Assert.Equal(HttpStatusCode.Unauthorized, (await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}")).Status);
        var (descendant, _) = await app.RefreshAsync(Refresh(second));
        Assert.Equal(HttpStatusCode.BadRequest, descendant);
    }

    [Fact]
    public async Task Token_AReplayedCode_AlsoRevokesTheRefreshTokenItIssued()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Code Replay Refresh");
        var code = await app.CodeAsync(Offline);
        var (_, first) = await app.ExchangeAsync(code);

        await app.ExchangeAsync(code);

        var (status, refusal) = await app.RefreshAsync(Refresh(first));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, refusal["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_AfterThePatientRevokedTheGrant_IsInvalidGrant()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Revoked Before Refresh");
        var first = await app.TokenAnswerAsync(Offline);
        await fhir.Records.RevokeAsync(fhir.Patient, GrantTo(app).Id);

        var (status, refusal) = await app.RefreshAsync(Refresh(first));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, refusal["error"]!.GetValue<string>()));
        Assert.Contains("revoked", refusal["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_NeverOutlivesTheGrant_ItsTokenEndsWithIt_AndAfterItIsInvalidGrant()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Short Grant");
        var grantEnds = DateTimeOffset.UtcNow.AddSeconds(8);
        var first = await app.TokenAnswerAsync(Offline, until: grantEnds);

        var (status, second) = await app.RefreshAsync(Refresh(first));

        Assert.True(status == HttpStatusCode.OK, second.ToJsonString());
        Assert.InRange(second["expires_in"]!.GetValue<long>(), 0, 8);
        await Task.Delay(grantEnds - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        var (after, refusal) = await app.RefreshAsync(Refresh(second));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (after, refusal["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_MayNarrowTheScope_NeverWiden()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Narrows");
        var first = await app.TokenAnswerAsync("offline_access patient/Observation.rs patient/Condition.rs");

        var (narrowed, second) = await app.RefreshAsync(Refresh(first), scope: "patient/Observation.rs");
        var (widened, refusal) = await app.RefreshAsync(Refresh(second), scope: "patient/Observation.rs patient/Condition.rs");

        Assert.True(narrowed == HttpStatusCode.OK, second.ToJsonString());
        Assert.Equal("offline_access patient/Observation.rs", second["scope"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await SmartApp.ReadAsync(fhir, Access(second), $"Condition?patient={fhir.Patient.Account}")).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (widened, refusal["error"]!.GetValue<string>()));
        var (unspent, _) = await app.RefreshAsync(Refresh(second));
        Assert.Equal(HttpStatusCode.OK, unspent);
    }

    [Fact]
    public async Task Refresh_ByAnotherClientOrWithoutOne_IsRefused_AndLeavesTheTokenUsable()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Refresh Client Check");
        var other = await SmartApp.RegisterAsync(fhir, "Refresh Other Client");
        var first = await app.TokenAnswerAsync(Offline);

        var (otherClient, otherError) = await app.RefreshAsync(Refresh(first), clientId: other.App.ClientId);
        var (noClient, noClientError) = await SmartApp.PostTokenAsync(fhir.Node.BaseAddress, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = Refresh(first) });
        var (missing, missingError) = await SmartApp.PostTokenAsync(fhir.Node.BaseAddress, new() { ["grant_type"] = "refresh_token", ["client_id"] = app.App.ClientId });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (otherClient, otherError["error"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (noClient, noClientError["error"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (missing, missingError["error"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await app.RefreshAsync(Refresh(first))).Status);
    }

    [Fact]
    public async Task Refresh_AfterTheAppWasReRegisteredWithAnotherKey_IsInvalidGrant()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Refresh Re-registered");
        var first = await app.TokenAnswerAsync(Offline);
        var other = await SmartApp.RegisterAsync(fhir, "Refresh Another Key");
        var apps = new RegisteredApps(Path.Combine(fhir.Node.DataDir, "custodial"));
        apps.Remove(other.App.ClientId);
        apps.Add(app.App with { KeyName = other.App.KeyName, Account = other.App.Account });

        var (status, refusal) = await app.RefreshAsync(Refresh(first));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, refusal["error"]!.GetValue<string>()));
        Assert.Contains("no longer registered", refusal["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_AfterTheAppWasRemoved_IsRefused()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Refresh Removed");
        var first = await app.TokenAnswerAsync(Offline);
        Assert.True(new RegisteredApps(Path.Combine(fhir.Node.DataDir, "custodial")).Remove(app.App.ClientId));

        var (status, refusal) = await app.RefreshAsync(Refresh(first));

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, refusal["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_NoTokenInTheNodesLog()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Refresh Log Check");
        var first = await app.TokenAnswerAsync(Offline);
        var (_, second) = await app.RefreshAsync(Refresh(first));
        await app.RefreshAsync(Refresh(first));

        var logged = string.Join("\n", fhir.Node.Logs.Entries.Select(e => e.Message + e.Exception));
        Assert.Contains(app.App.ClientId, logged);
        foreach (var secret in new[] { Refresh(first), Refresh(second), Access(first), Access(second) }) Assert.DoesNotContain(secret, logged);
    }

    [Theory]
    [InlineData("launch/patient offline_access patient/Observation.rs", true)]
    [InlineData("launch/patient online_access patient/Observation.rs", true)]
    [InlineData("launch/patient patient/Observation.rs", false)]
    public async Task PendingRequest_TellsThePortalWhetherTheAppRenewsItsAccessOnItsOwn(string scope, bool renews)
    {
        var app = await SmartApp.RegisterAsync(fhir, "Renewal Shown " + renews);
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery(scope));

        var request = await new AppAuthorizationsClient(fhir.Node.Client).GetAsync(fhir.Patient, SmartApp.RequestId(authorized));

        Assert.Equal(renews, request.RenewsOnItsOwn);
        Assert.Equal(["Observation"], request.Types);
    }

    [Fact]
    public async Task Token_WhenTheRefreshTokenFileCannotBeWritten_IssuesNothing_AndTheSameCodeAndRefreshTokenWorkAfterwards()
    {
        var app = await SmartApp.RegisterAsync(fhir, "File Unwritable");
        var code = await app.CodeAsync(Offline);
        var file = Path.Combine(fhir.Node.Keys.Custodial.Folder, SmartRefreshTokens.FileName);
        var blocked = $"{file}.{Environment.ProcessId}.tmp"; // a folder where the node writes its temporary file: every write fails

        (HttpStatusCode Status, JsonObject Body) failedExchange, exchanged, failedRefresh, refreshed;
        Directory.CreateDirectory(blocked);
        try { failedExchange = await app.ExchangeAsync(code); }
        finally { Directory.Delete(blocked); }
        exchanged = await app.ExchangeAsync(code);
        Directory.CreateDirectory(blocked);
        try { failedRefresh = await app.RefreshAsync(Refresh(exchanged.Body)); }
        finally { Directory.Delete(blocked); }
        refreshed = await app.RefreshAsync(Refresh(exchanged.Body));

        Assert.True((int)failedExchange.Status >= 500, failedExchange.Body.ToJsonString());
        Assert.False(failedExchange.Body.ContainsKey("access_token"));
        Assert.True(exchanged.Status == HttpStatusCode.OK, exchanged.Body.ToJsonString());
        Assert.True((int)failedRefresh.Status >= 500, failedRefresh.Body.ToJsonString());
        Assert.True(refreshed.Status == HttpStatusCode.OK, refreshed.Body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await SmartApp.ReadAsync(fhir, Access(refreshed.Body), $"Observation?patient={fhir.Patient.Account}")).Status);
    }

    private ConsentGrant GrantTo(SmartApp app) =>
        fhir.Node.Ledger.State.Scan(ConsentGrant.Of(fhir.Patient.Account)).Select(g => g.Value).Single(g => g.Grantee?.ToString() == app.App.Account);
}

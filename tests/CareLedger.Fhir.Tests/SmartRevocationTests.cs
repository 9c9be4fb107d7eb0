using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Fhir.Smart;
using CareLedger.Testing;

using static CareLedger.Fhir.Tests.SmartApp;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// Token revocation (RFC 7009, ADR 0025): an app that signs out sends one of its tokens, and the whole authorization ends —
/// access and refresh tokens, on disk too — while the patient's ledger grant stays. Unknown tokens and other clients' tokens
/// are answered alike and change nothing.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartRevocationTests(FhirNode fhir)
{
    private const string Offline = "launch/patient offline_access patient/Observation.rs";

    [Theory]
    [InlineData("refresh_token")]
    [InlineData("access_token")]
    public async Task Revoke_EitherToken_EndsTheWholeAuthorization_ButNotThePatientsGrant(string which)
    {
        var app = await SmartApp.RegisterAsync(fhir, "Signs Out " + which);
        var answer = await app.TokenAnswerAsync(Offline);
        var path = $"Observation?patient={fhir.Patient.Account}";
        Assert.Equal(HttpStatusCode.OK, (await SmartApp.ReadAsync(fhir, Access(answer), path)).Status);
        Assert.Contains(StoredHash(Refresh(answer)), RefreshFile());

        var (status, body) = await app.RevokeAsync(answer[which]!.GetValue<string>());

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SmartApp.ReadAsync(fhir, Access(answer), path)).Status);
        var (refreshed, refusal) = await app.RefreshAsync(Refresh(answer));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (refreshed, refusal["error"]!.GetValue<string>()));
        Assert.DoesNotContain(StoredHash(Refresh(answer)), RefreshFile()); // gone from disk: a restart does not bring it back
        Assert.Contains(GrantsOf(app), g => !g.Revoked); // the app signed out; only the patient ends the grant
    }

    [Fact]
    public async Task Revoke_AnotherClientsOrAnUnknownToken_Is200_AndChangesNothing()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Keeps Its Tokens");
        var stranger = await SmartApp.RegisterAsync(fhir, "Tries To Revoke");
        var answer = await app.TokenAnswerAsync(Offline);

        var byStranger = await stranger.RevokeAsync(Refresh(answer));
        var byStrangerAccess = await stranger.RevokeAsync(Access(answer));
        var unknown = await app.RevokeAsync(SmartAuthorizations.RefreshPrefix + "not-a-token");
        var garbage = await app.RevokeAsync("anything at all");

        Assert.All(new[] { byStranger, byStrangerAccess, unknown, garbage }, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(HttpStatusCode.OK, (await SmartApp.ReadAsync(fhir, Access(answer), $"Observation?patient={fhir.Patient.Account}")).Status);
        var (refreshed, body) = await app.RefreshAsync(Refresh(answer));
        Assert.True(refreshed == HttpStatusCode.OK, body.ToJsonString());
    }

    [Theory]
    [InlineData("refresh_token", "refresh_token")]
    [InlineData("refresh_token", "access_token")]
    [InlineData("access_token", "access_token")]
    public async Task Revoke_WhenTheFileCannotBeWritten_Is503_AndSendingItAgainStoresIt(string first, string again)
    {
        var app = await SmartApp.RegisterAsync(fhir, $"Signs Out, Unwritable {first} {again}");
        var answer = await app.TokenAnswerAsync(Offline);
        var blocked = $"{RefreshPath()}.{Environment.ProcessId}.tmp"; // a folder where the node writes its temporary file: every write fails

        (HttpStatusCode Status, string Body) failed;
        Directory.CreateDirectory(blocked);
        try { failed = await app.RevokeAsync(answer[first]!.GetValue<string>()); }
        finally { Directory.Delete(blocked); }
        var onDiskMeanwhile = RefreshFile();
        var sentAgain = await app.RevokeAsync(answer[again]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        Assert.Equal("temporarily_unavailable", JsonNode.Parse(failed.Body)!["error"]!.GetValue<string>());
        Assert.Contains(StoredHash(Refresh(answer)), onDiskMeanwhile); // a restart now would bring it back: hence the 503
        Assert.Equal(HttpStatusCode.OK, sentAgain.Status);
        Assert.DoesNotContain(StoredHash(Refresh(answer)), RefreshFile());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.RefreshAsync(Refresh(answer))).Status); // revoked in memory from the first try
    }

    [Theory]
    [InlineData("token=", "invalid_request", HttpStatusCode.BadRequest)]
    [InlineData("token=clr_x", "invalid_client", HttpStatusCode.Unauthorized)]
    [InlineData("token=clr_x&client_id=no-such-app", "invalid_client", HttpStatusCode.Unauthorized)]
    [InlineData("token=clr_x&token=clr_y&client_id=x", "invalid_request", HttpStatusCode.BadRequest)]
    public async Task Revoke_AMalformedRequest_IsAnOAuthError(string form, string error, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        using var response = await http.PostAsync("fhir/auth/revoke", new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"));
        using var json = await http.PostAsync("fhir/auth/revoke", new StringContent("{\"token\":\"clr_x\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(error, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private IEnumerable<ConsentGrant> GrantsOf(SmartApp app) =>
        fhir.Node.Ledger.State.Scan(ConsentGrant.Of(fhir.Patient.Account)).Select(g => g.Value).Where(g => g.Grantee?.ToString() == app.App.Account);

    private string RefreshPath() => Path.Combine(fhir.Node.Keys.Custodial.Folder, SmartRefreshTokens.FileName);

    private string RefreshFile() => File.ReadAllText(RefreshPath());
}

/// <summary>
/// Signing out on a node whose data disk is really full (a size-limited tmpfs): the revocation is not refused with the node's
/// 507 like other writes; it takes effect at once and says 503 until it can be stored, then is stored once space returns.
/// Introspection, a POST that only reads, is answered as ever.
/// </summary>
public sealed class SmartRevocationDiskFullTests
{
    [SmallDiskFact]
    public async Task Revoke_OnAFullDisk_TakesEffectAtOnce_Is503_AndIsStoredOnceSpaceReturns()
    {
        using var disk = SmallDisk.Mount(megabytes: 40);
        using var node = new NodeProcess(Path.Combine(disk.Path, "data")) { Environment = { ["CareLedger__MinFreeDiskMegabytes"] = "4" } };
        await node.StartAsync();
        using var patient = new KeyStore(Path.Combine(node.DataDir, "demo-keys")).Load("patient-jones", "demo");
        var smartNode = new SmartNode(node.BaseAddress, node.Client, node.DataDir, patient);
        var app = await SmartApp.RegisterAsync(smartNode, "Signs Out On A Full Disk");
        var answer = await app.TokenAnswerAsync("launch/patient offline_access patient/Observation.rs");
        var refreshFile = Path.Combine(node.DataDir, "custodial", SmartRefreshTokens.FileName);
        var hash = StoredHash(Refresh(answer));

        var filler = disk.Fill();
        await WaitUntilWritesAreRefusedAsync(node.BaseAddress);
        var asked = await app.IntrospectAsync(Access(answer)); // a POST too, but it only reads
        var (status, body) = await app.RevokeAsync(Refresh(answer));
        var read = await SmartApp.ReadAsync(smartNode, Access(answer), $"Observation?patient={patient.Account}");
        var onDiskWhileFull = await File.ReadAllTextAsync(refreshFile);
        File.Delete(filler);
        var again = await app.RevokeAsync(Refresh(answer));

        Assert.True(asked.Status == HttpStatusCode.OK, asked.Body.ToJsonString());
        Assert.True(asked.Body["active"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("temporarily_unavailable", JsonNode.Parse(body)!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, read.Status); // in force at once, disk or no disk
        Assert.Contains(hash, onDiskWhileFull);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.DoesNotContain(hash, await File.ReadAllTextAsync(refreshFile));
    }

    /// <summary>Waits for the node to notice the full disk: an empty token request is then a 507 rather than an OAuth 400.</summary>
    private static async Task WaitUntilWritesAreRefusedAsync(Uri node)
    {
        using var http = new HttpClient { BaseAddress = node };
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            using var probe = await http.PostAsync("fhir/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>()));
            if (probe.StatusCode == HttpStatusCode.InsufficientStorage) return;
        }
        throw new TimeoutException("the node never noticed its full disk");
    }
}

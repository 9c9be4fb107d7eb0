using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Fhir;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// Where an app's token stops (ADR 0025), on a real node. The real cross-patient risk: the app's account holds grants from
/// several patients, so the node could decrypt another patient's records for it — the token, not the grant, must stop it.
/// And the approval's own refusals.
/// </summary>
[Collection(FhirCollection.Name)]
public class SmartAppBoundaryTests(FhirNode fhir)
{
    [Fact]
    public async Task AToken_ForOnePatient_NeverReadsAnotherPatientWhoGrantedTheSameApp()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Two Patients");
        using var other = await NewPatientAsync();
        var theirs = await fhir.Records.AddAsync(other, other.Account, ObservationJson());
        var theirToken = await app.TokenAsync(patient: other); // the app's account now holds B's grant for Observation
        var mine = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, ObservationJson());
        var token = await app.TokenAsync();

        var theyRead = await SmartApp.ReadAsync(fhir, theirToken, $"Observation/{theirs.Record}");
        Assert.True(theyRead.Status == HttpStatusCode.OK, $"B's own token should read B's record: {theyRead.Status} {theyRead.Body}");
        Assert.Equal(HttpStatusCode.OK, (await SmartApp.ReadAsync(fhir, token, $"Observation/{mine.Record}")).Status);
        foreach (var path in (string[])[
            $"Observation/{theirs.Record}", $"Observation/{theirs.Record}/_history", $"Observation/{theirs.Record}/_history/1",
            $"Patient/{other.Account}/Observation", $"Observation?patient={other.Account}", $"Observation?subject=Patient/{other.Account}",
            $"Observation?patient={fhir.Patient.Account}&patient={other.Account}"])
        {
            var (status, body) = await SmartApp.ReadAsync(fhir, token, path);
            Assert.True(status == HttpStatusCode.Forbidden, $"{path}: {status} {body}");
            Assert.DoesNotContain("8867-4", body);
        }
    }

    [Fact]
    public async Task AToken_RefusesInclude_Put_AndTheV1Api()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Boundaries");
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, ObservationJson());
        var token = await app.TokenAsync();

        var include = await SmartApp.ReadAsync(fhir, token, $"Observation?patient={fhir.Patient.Account}&_include=Observation:subject");
        using var http = SmartApp.Http(fhir, token);
        using var put = await http.PutAsync($"Observation/{added.Record}", new StringContent(ObservationJson(), Encoding.UTF8, "application/fhir+json"));
        using var v1 = new HttpClient { BaseAddress = fhir.Node.BaseAddress };
        v1.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var record = await v1.GetAsync($"v1/records/{added.Record}");

        Assert.Equal(HttpStatusCode.Forbidden, include.Status);
        Assert.Contains("_include", include.Body);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains("OperationOutcome", await put.Content.ReadAsStringAsync());
        Assert.True(record.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"/v1 with an app token: {record.StatusCode}");
    }

    [Fact]
    public async Task Approve_WithAGrantCoveringNoneOfTheAskedTypes_OrAnotherPatientsGrant_IsRefused()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Wrong Grants");
        using var other = await NewPatientAsync();
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        var conditions = await fhir.Records.GrantAsync(fhir.Patient, app.App.Account, null, "app", [], ["Condition"], DateTimeOffset.UtcNow.AddDays(1));
        var theirs = await new RecordsClient(fhir.Node.Client).GrantAsync(other, app.App.Account, null, "app", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));

        using var none = await SmartApp.ApproveAsync(fhir, requestId, conditions);
        using var another = await SmartApp.ApproveAsync(fhir, requestId, theirs);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, none.StatusCode);
        Assert.Contains("covers none", await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, another.StatusCode);
        Assert.Contains("You gave no grant", await another.Content.ReadAsStringAsync());
        Assert.Equal(["Observation"], (await new AppAuthorizationsClient(fhir.Node.Client).GetAsync(fhir.Patient, requestId)).Types);
    }

    [Fact]
    public async Task Approve_Twice_TheSecondIsNotFound()
    {
        var app = await SmartApp.RegisterAsync(fhir, "Approved Twice");
        using var authorized = await app.AuthorizeAsync(app.AuthorizeQuery());
        var requestId = SmartApp.RequestId(authorized);
        var grant = await fhir.Records.GrantAsync(fhir.Patient, app.App.Account, null, "app", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));

        using var first = await SmartApp.ApproveAsync(fhir, requestId, grant);
        using var second = await SmartApp.ApproveAsync(fhir, requestId, grant);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.DoesNotContain("code=", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_WithoutACodeVerifier_IsRefused_AndTheCodeStillWorksWithIt()
    {
        var app = await SmartApp.RegisterAsync(fhir, "No Verifier");
        var code = await app.CodeAsync();
        using var http = new HttpClient { BaseAddress = fhir.Node.BaseAddress };

        using var response = await http.PostAsync("fhir/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = SmartApp.RedirectUri, ["client_id"] = app.App.ClientId,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();
        Assert.Contains(error, (string[])["invalid_request", "invalid_grant"]);
        Assert.Equal(HttpStatusCode.OK, (await app.ExchangeAsync(code)).Status);
    }

    /// <summary>A second patient of the clinic, enrolled by its admin (without a name: none goes on the ledger), with a published key.</summary>
    private async Task<SigningKey> NewPatientAsync()
    {
        using var admin = new KeyStore(Path.Combine(fhir.Node.DataDir, "demo-keys")).Load("clinic-admin", "demo");
        var patient = SigningKey.Generate();
        await new MembershipClient(fhir.Node.Client.As(admin)).RegisterAsync(admin, patient.Account, "patient");
        await new RecordsClient(fhir.Node.Client.As(patient)).PublishKeyAsync(patient);
        return patient;
    }


    private string ObservationJson() => FhirResources.ToJson(fhir.Observation());


}

using System.Text.Json;
using CareLedger.Client.Records;
using Microsoft.AspNetCore.WebUtilities;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// A SMART app from another ecosystem (tests/fhir-js/smart-app.mjs, on npm's fhir-kit-client) does the standalone patient
/// launch against the real node: it discovers the endpoints, authorizes with PKCE, and after the patient's approval (the
/// portal's part, done here with the same SDK client) exchanges its code and reads the patient's Observations.
/// </summary>
[Collection(FhirCollection.Name)]
public class FhirKitSmartAppTests(FhirNode fhir)
{
    [Fact]
    public async Task FhirKitClientApp_DiscoversAuthorizesAndReadsThePatientsObservations_AsTheAppInTheAccessLog()
    {
        var app = await SmartApp.RegisterAsync(fhir, "JS Vitals");
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, CareLedger.Vault.Fhir.FhirResources.ToJson(fhir.Observation(value: 64)));

        using var authorized = await RunAsync(app, "authorize");
        var a = authorized.RootElement;
        Assert.Equal(fhir.FhirBase + "auth/token", a.GetProperty("tokenUrl").GetString());
        Assert.Equal(302, a.GetProperty("status").GetInt32());
        var location = a.GetProperty("location").GetString()!;
        Assert.StartsWith("/portal/apps/approve?request=", location);

        var approvals = new AppAuthorizationsClient(fhir.Node.Client);
        var request = await approvals.GetAsync(fhir.Patient, QueryHelpers.ParseQuery(location[location.IndexOf('?')..])["request"].ToString());
        Assert.Equal(("JS Vitals", app.App.Account), (request.App, request.AppAccount));
        var decision = await approvals.ApproveAsync(fhir.Patient, request, request.Types, DateTimeOffset.UtcNow.AddDays(1));
        var answer = QueryHelpers.ParseQuery(new Uri(decision.Redirect).Query);
        Assert.Equal("js-state", answer["state"].ToString());

        using var read = await RunAsync(app, "read", ("CODE", answer["code"].ToString()), ("VERIFIER", a.GetProperty("verifier").GetString()!));
        var r = read.RootElement;
        Assert.Equal((200, "Bearer", fhir.Patient.Account.ToString()), (r.GetProperty("token").GetProperty("status").GetInt32(),
            r.GetProperty("token").GetProperty("type").GetString(), r.GetProperty("token").GetProperty("patient").GetString()));
        Assert.Contains(added.Record, r.GetProperty("observations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(403, r.GetProperty("conditions").GetInt32());
        Assert.True(await LoggedAsync(app.App.Account, added.Record), "the access log names no read of the record by the app");
    }

    private async Task<bool> LoggedAsync(string reader, string record)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await fhir.Records.AccessLogAsync(fhir.Patient)).Any(e => e.Reader == reader && e.Record == record && e.Outcome == "granted")) return true;
        return false;
    }

    private Task<JsonDocument> RunAsync(SmartApp app, string step, params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["FHIR_BASE"] = fhir.FhirBase.ToString().TrimEnd('/'), ["STEP"] = step, ["CLIENT_ID"] = app.App.ClientId, ["REDIRECT_URI"] = SmartApp.RedirectUri,
        };
        foreach (var (name, value) in more) environment[name] = value;
        return NodeScript.RunAsync("smart-app.mjs", environment);
    }
}

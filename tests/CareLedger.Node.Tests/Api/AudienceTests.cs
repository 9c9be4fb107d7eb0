using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Authentication;
using CareLedger.Node.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// Who sees what (ADR 0011), over every operation the OpenAPI document lists: each names an audience, and called
/// anonymously or with each demo role's key, none shows a patient's name, health data or another's data to someone it
/// does not concern. The operations come from the document, so a new endpoint is checked the day it is added.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class AudienceTests(DemoNodeFixture demo)
{
    private const string PatientName = "Sam Jones";

    /// <summary>Keys who must not see the demo patient's data: a stranger, a pharmacist and an insurer with no part in it.</summary>
    private static readonly string[] Outsiders = ["pharmacist-chen", "insurer-admin"];

    [Fact]
    public async Task EveryOperationInTheOpenApiDocument_NamesAnAudience()
    {
        var operations = await OperationsAsync();
        var endpoints = demo.Node.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var unnamed = operations.Where(op => !endpoints.Any(e => Matches(e, op) && Audience.NamesAudience(e))).Select(op => $"{op.Method} {op.Path}").ToList();

        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the document");
        Assert.Empty(unnamed);
    }

    [Fact]
    public void AnEndpointWithoutAPolicy_StopsTheNodeAtStartUp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRouting();
        var app = builder.Build();
        app.MapGet("/named", () => "ok").AllowAnonymous();
        app.MapGet("/forgotten", () => "who may call me?");

        var refusal = Assert.Throws<InvalidOperationException>(app.RequireEveryEndpointToNameItsAudience);

        Assert.Contains("/forgotten", refusal.Message);
        Assert.DoesNotContain("/named", refusal.Message);
    }

    [Fact]
    public async Task EveryOperation_CalledAnonymously_ShowsNoPatientsNameNorTheirData() =>
        Assert.Empty(await LeaksAsync([("anyone", null)]));

    [Fact]
    public async Task EveryOperation_CalledByEachRole_ShowsThePatientsDataOnlyToThoseItConcerns()
    {
        using var stranger = SigningKey.Generate();
        Assert.Empty(await LeaksAsync([.. Outsiders.Select(n => (n, (SigningKey?)demo.Keys[n])), ("a stranger", stranger)]));
    }

    /// <summary>Every call, by each caller: a 5xx, or a success that shows the demo patient's data, is a leak.</summary>
    private async Task<List<string>> LeaksAsync(IReadOnlyList<(string Name, SigningKey? Key)> callers)
    {
        var data = await PatientDataAsync();
        var leaks = new List<string>();
        foreach (var call in await CallsAsync(data))
            foreach (var (name, key) in callers)
            {
                using var response = await demo.Http.SendAsync(await call.RequestAsync(key, demo.Audience));
                var body = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500) leaks.Add($"{call} as {name}: {(int)response.StatusCode}");
                else if (response.IsSuccessStatusCode && Leaks(body, call, data) is { } what) leaks.Add($"{call} shows {what} to {name}");
            }
        return leaks;
    }

    [Fact]
    public async Task ThePatientAndAnAuditor_SeeWhatOutsidersDoNot()
    {
        var data = await PatientDataAsync();
        var patient = demo.Keys["patient-jones"];
        var auditor = demo.Keys["health-auditor"];

        string[] patientReads = [$"v1/accounts/{data.Patient}", $"v1/bookings/{data.Booking}", $"v1/bookings?patient={data.Patient}", $"v1/proofs/{data.BookingTx}"];
        string[] auditorReads = [$"v1/blocks/{data.BookingHeight}/raw", $"v1/state?prefix=membership/member/", $"v1/proofs/{data.BookingTx}", $"v1/bookings/{data.Booking}"];

        foreach (var path in patientReads) await AssertAnswersAsync(patient, path);
        foreach (var path in auditorReads) await AssertAnswersAsync(auditor, path);
        foreach (var path in patientReads.Concat(auditorReads))
        {
            using var response = await demo.Http.SendAsync(await SignedHttp.Get(demo.Keys["pharmacist-chen"], demo.Audience, path));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(!response.IsSuccessStatusCode || Leaks(body, new Call("GET", path, null), data) is null, $"{path} is open to a pharmacist with no part in it: {body}");
        }
        Assert.Contains(demo.Node.Logs.Entries, e => e.Category == "CareLedger.Node.Auditors" && e.Message.Contains(auditor.Account.ToString()) && e.Message.Contains("/raw"));
    }

    [Fact]
    public async Task PublishedKeys_AreReadOneAccountAtATime_ButNotListed_ExceptByOverseers()
    {
        var patient = demo.Keys["patient-jones"].Account;

        using var one = await demo.Http.GetAsync($"v1/state/records/key/{patient}");
        using var list = await demo.Http.GetAsync("v1/state?prefix=records/key/");
        using var part = await demo.Http.SendAsync(await SignedHttp.Get(demo.Keys["pharmacist-chen"], demo.Audience, "v1/state?prefix=records/key/0"));

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, part.StatusCode);
        Assert.DoesNotContain(patient.ToString(), await part.Content.ReadAsStringAsync());
        await AssertAnswersAsync(demo.Keys["health-auditor"], "v1/state?prefix=records/key/");
    }

    private async Task AssertAnswersAsync(SigningKey key, string path)
    {
        using var response = await demo.Http.SendAsync(await SignedHttp.Get(key, demo.Audience, path));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>What a body shows that its caller may not see: the patient's name, or an id of theirs the request did not name.</summary>
    private static string? Leaks(string body, Call call, PatientData data)
    {
        if (body.Contains(PatientName, StringComparison.Ordinal)) return "the patient's name";
        foreach (var (what, id) in new[] { ("the patient's account", data.Patient), ("the patient's record", data.Record), ("the patient's booking", data.Booking) })
            if (body.Contains(id, StringComparison.Ordinal) && !call.Names(id)) return what;
        return null;
    }

    private sealed record PatientData(string Patient, string Record, string Booking, string BookingTx, ulong BookingHeight);

    private PatientData? _data;

    /// <summary>The demo patient's record (granted to their doctor) and a booking with her, made once for every test here.</summary>
    private async Task<PatientData> PatientDataAsync()
    {
        if (_data is not null) return _data;
        var patient = demo.Keys["patient-jones"];
        var records = new RecordsClient(demo.Client);
        var observation = $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{{{patient.Account}}}"},"valueQuantity":{"value":72,"unit":"/min"}}""";
        var added = await records.AddAsync(patient, patient.Account, observation);
        await records.GrantAsync(patient, demo.Account("dr-rivera").ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        var rivera = demo.Account("dr-rivera");
        var page = (await demo.Http.GetFromJsonAsync<PractitionerPage>($"v1/practitioners/{rivera}"))!;
        var booking = "aud-" + Guid.NewGuid().ToString("N")[..12];
        var receipt = await new ServicesClient(demo.Client).BookAsync(patient,
            new BookingRequest(booking, rivera.ToString(), page.Slots.Last(s => s.Free).Start, "video", new string('a', 64)));
        return _data = new PatientData(patient.Account.ToString(), added.Record, booking, receipt.TxId, receipt.Height!.Value);
    }

    private sealed record Operation(string Method, string Path);

    private async Task<List<Operation>> OperationsAsync()
    {
        var document = (await demo.Http.GetFromJsonAsync<JsonObject>("openapi/v1.json"))!;
        return [.. document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => new Operation(m.Key.ToUpperInvariant(), p.Key)))];
    }

    private static bool Matches(RouteEndpoint endpoint, Operation op)
    {
        var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
        var path = "/" + op.Path.Trim('/');
        // The document writes {**key} as {key} and drops route constraints such as {version:long}.
        static string Plain(string p) => System.Text.RegularExpressions.Regex.Replace(p.Replace("**", ""), ":[a-z]+}", "}");
        return Plain(pattern) == Plain(path)
            && (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(op.Method) ?? true);
    }

    /// <summary>One request, built for an anonymous caller or signed by a key.</summary>
    private sealed record Call(string Method, string PathAndQuery, string? Body)
    {
        public async Task<HttpRequestMessage> RequestAsync(SigningKey? key, RequestAudience audience)
        {
            if (key is null)
            {
                var request = new HttpRequestMessage(new HttpMethod(Method), PathAndQuery);
                if (Body is not null) request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
                return request;
            }
            return Body is null ? await SignedHttp.Get(key, audience, PathAndQuery) : await SignedHttp.Post(key, audience, PathAndQuery, JsonNode.Parse(Body));
        }

        public bool Names(string id) => PathAndQuery.Contains(id, StringComparison.Ordinal) || (Body?.Contains(id, StringComparison.Ordinal) ?? false);

        public override string ToString() => $"{Method} {PathAndQuery}";
    }

    /// <summary>
    /// Every GET in the document with its parameters filled from the patient's data, and every contract query with its
    /// arguments; writes are left out (a signed transaction or upload is its own authorisation, tested where it is made).
    /// </summary>
    private async Task<List<Call>> CallsAsync(PatientData data)
    {
        var calls = new List<Call>();
        foreach (var op in await OperationsAsync())
        {
            if (op.Path.Contains("/queries/", StringComparison.Ordinal) || op.Method != "GET") continue;
            // The demo's personas and their keys are published on purpose (DemoIdentitiesApi); a real chain answers 404 there (DemoIdentitiesTests).
            if (op.Path == "/v1/demo/identities") continue;
            var path = op.Path.TrimStart('/')
                .Replace("{account}", data.Patient).Replace("{patient}", data.Patient).Replace("{txId}", data.BookingTx)
                .Replace("{height}", data.BookingHeight.ToString()).Replace("{key}", $"membership/member/{data.Patient}").Replace("{type}", "Observation")
                .Replace("{vid}", "1").Replace("{grantId}", "none");
            path = path.StartsWith("v1/bookings/", StringComparison.Ordinal) ? path.Replace("{id}", data.Booking)
                : path.StartsWith("v1/transactions/", StringComparison.Ordinal) ? path.Replace("{id}", data.BookingTx)
                : path.StartsWith("v1/blocks/", StringComparison.Ordinal) ? path.Replace("{id}", data.BookingHeight.ToString())
                : path.Replace("{id}", data.Record);
            var query = op.Path switch
            {
                "/v1/bookings" => $"?patient={data.Patient}",
                "/v1/prescriptions" => $"?patient={data.Patient}",
                "/v1/state" => "?prefix=services/booking/",
                "/v1/records" or "/fhir/Observation" or "/fhir/{type}" or "/fhir/Consent" or "/fhir/AuditEvent" => $"?patient={data.Patient}&subject=Patient/{data.Patient}",
                _ => "",
            };
            calls.Add(new Call("GET", path + query, null));
        }
        var contracts = (await demo.Http.GetFromJsonAsync<JsonArray>("v1/contracts"))!;
        foreach (var contract in contracts.Select(c => c!.AsObject()))
            foreach (var q in contract["queries"]!.AsArray().Select(q => q!.AsObject()))
            {
                var args = new JsonObject();
                foreach (var arg in q["args"]!.AsArray().Select(a => a!.AsObject()).Where(a => a["optional"]!.GetValue<bool>() == false))
                    args[arg["name"]!.GetValue<string>()] = ArgumentFor(arg["name"]!.GetValue<string>(), arg["kind"]!.GetValue<string>(), data);
                calls.Add(new Call("POST", $"v1/contracts/{contract["name"]}/queries/{q["name"]}", args.ToJsonString()));
            }
        return calls;
    }

    private static JsonNode ArgumentFor(string name, string kind, PatientData data) => (name, kind) switch
    {
        (_, "account") => data.Patient,
        (_, "integer") => 0,
        ("booking" or "id", _) => data.Booking,
        ("record", _) => data.Record,
        ("org", _) => "city-clinic",
        ("asset", _) => "CARE",
        ("holder", _) => "services",
        _ => data.Booking,
    };
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CareLedger.Contracts.Records;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

/// <summary>If-None-Exist, If-None-Match / If-Modified-Since and Prefer, through Firely's client and, where it hides the header, plain HTTP.</summary>
[Collection(FhirCollection.Name)]
public class ConditionalInteractionTests(FhirNode fhir)
{
    private const string IdSystem = "urn:test:ids";

    [Fact]
    public async Task ConditionalCreate_RetriedWithTheSameIdentifier_CreatesOnceThenAnswersTheExistingRecordWith200()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var id = Guid.NewGuid().ToString("N");
        var condition = new SearchParams().Add("identifier", $"{IdSystem}|{id}");
        var before = fhir.PatientRecordCount();

        var created = await client.ConditionalCreateAsync(Identified(id, 64), condition);
        var firstStatus = client.LastResult!.Status;
        var again = await client.ConditionalCreateAsync(Identified(id, 65), condition);
        var secondStatus = client.LastResult!.Status;

        Assert.StartsWith("201", firstStatus);
        Assert.StartsWith("200", secondStatus);
        Assert.Equal(created!.Id, again!.Id);
        Assert.Equal(64m, (again.Value as Quantity)!.Value);
        Assert.Equal($"{fhir.FhirBase}Observation/{created.Id}/_history/1", client.LastResult.Location);
        Assert.Equal(before + 1, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task ConditionalCreate_MatchingTwoRecords_Is412AndWritesNothing()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var id = Guid.NewGuid().ToString("N");
        await client.CreateAsync(Identified(id, 60));
        await client.CreateAsync(Identified(id, 61));
        var before = fhir.PatientRecordCount();

        var e = await Assert.ThrowsAsync<FhirOperationException>(() =>
            client.ConditionalCreateAsync(Identified(id, 62), new SearchParams().Add("identifier", $"{IdSystem}|{id}")));

        Assert.Equal(HttpStatusCode.PreconditionFailed, e.Status);
        Assert.Equal(OperationOutcome.IssueType.Duplicate, e.Outcome!.Issue.Single().Code);
        Assert.Contains("more than one Observation", Issues.Text(e));
        Assert.Equal(before, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task ConditionalCreate_WithPagingOrUnknownCriteria_Is400AndWritesNothing()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var http = fhir.Http();
        var before = fhir.PatientRecordCount();

        using var paging = await PostAsync(http, Identified(Guid.NewGuid().ToString("N"), 60), ("If-None-Exist", "identifier=a|b&_count=1"));
        using var unknown = await PostAsync(http, Identified(Guid.NewGuid().ToString("N"), 60), ("If-None-Exist", "name=Jones"));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (paging.StatusCode, unknown.StatusCode));
        Assert.Contains("'_count' is not one", await paging.Content.ReadAsStringAsync());
        Assert.Contains("does not support the search parameter 'name'", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(before, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task Read_WithIfNoneMatchOfTheCurrentVersion_Is304UntilTheRecordChanges()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var created = (await client.CreateAsync(fhir.Observation(value: 50)))!;

        var current = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Observation>($"Observation/{created.Id}", ifNoneMatch: "W/\"1\""));
        created.Value = new Quantity(51, "/min");
        await client.UpdateAsync(created);
        var changed = await client.ReadAsync<Observation>($"Observation/{created.Id}", ifNoneMatch: "W/\"1\"");

        Assert.Equal(HttpStatusCode.NotModified, current.Status);
        Assert.Equal(("2", 51m), (changed!.Meta!.VersionId, (changed.Value as Quantity)!.Value));
        Assert.Equal("W/\"2\"", client.LastResult!.Etag);
    }

    [Fact]
    public async Task Read_ConditionalOverPlainHttp_Is304WithETagAndNoBody_AndIfModifiedSinceBeforeTheVersionIs200()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var created = (await client.CreateAsync(fhir.Observation(value: 52)))!;
        using var http = fhir.Http();

        using var plain = await http.GetAsync($"Observation/{created.Id}");
        using var notMatch = await SendAsync(http, HttpMethod.Get, $"Observation/{created.Id}", ("If-None-Match", "W/\"1\""));
        using var otherTag = await SendAsync(http, HttpMethod.Get, $"Observation/{created.Id}", ("If-None-Match", "W/\"7\""));
        using var notModified = await SendAsync(http, HttpMethod.Get, $"Observation/{created.Id}", ("If-Modified-Since", plain.Content.Headers.LastModified!.Value.ToString("R")));
        using var modified = await SendAsync(http, HttpMethod.Get, $"Observation/{created.Id}",
            ("If-Modified-Since", plain.Content.Headers.LastModified!.Value.AddSeconds(-1).ToString("R")));

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("W/\"1\"", plain.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, notMatch.StatusCode);
        Assert.Equal("W/\"1\"", notMatch.Headers.ETag!.ToString());
        Assert.Empty(await notMatch.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Contains("\"value\":52", await modified.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Read_ConditionalWithoutAGrant_Is403Not304()
    {
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, RecordInteractionTests.Allergy(fhir.PatientRef));
        using var http = fhir.Http();

        using var response = await SendAsync(http, HttpMethod.Get, $"AllergyIntolerance/{added.Record}", ("If-None-Match", "W/\"1\""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PreferReturnMinimal_CreateAndUpdate_AnswerLocationAndETagWithoutABody()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        var settings = new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false, ReturnPreference = ReturnPreference.Minimal };
        using var client = new FhirClient(fhir.FhirBase, settings);
        client.RequestHeaders!.Authorization = new AuthenticationHeaderValue("Bearer", fhir.Token);
        using var reader = fhir.Client();

        var created = await client.CreateAsync(fhir.Observation(value: 53));
        var (status, location, etag) = (client.LastResult!.Status, client.LastResult.Location, client.LastResult.Etag);
        var id = location!.Split('/')[^3];
        var stored = (await reader.ReadAsync<Observation>($"Observation/{id}"))!;
        stored.Value = new Quantity(54, "/min");
        var updated = await client.UpdateAsync(stored);

        Assert.Null(created);
        Assert.StartsWith("201", status);
        Assert.Equal(($"{fhir.FhirBase}Observation/{id}/_history/1", "W/\"1\""), (location, etag));
        Assert.Equal(fhir.Doctor.ToString(), fhir.Node.Ledger.State.Get(RecordsContract.RecordPrefix + id)!.GetText("author"));
        Assert.Null(updated);
        Assert.StartsWith("200", client.LastResult.Status);
        Assert.Equal("W/\"2\"", client.LastResult.Etag);
        Assert.Equal(54m, ((await reader.ReadAsync<Observation>($"Observation/{id}"))!.Value as Quantity)!.Value);
    }

    [Fact]
    public async Task PreferReturn_OverPlainHttp_MinimalHasNoBodyOperationOutcomeSaysWhatWasDoneDefaultIsTheResource()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var http = fhir.Http();

        using var minimal = await PostAsync(http, fhir.Observation(value: 55), ("Prefer", "return=minimal"));
        using var outcome = await PostAsync(http, fhir.Observation(value: 56), ("Prefer", "return=OperationOutcome"));
        using var representation = await PostAsync(http, fhir.Observation(value: 57));

        Assert.Equal(HttpStatusCode.Created, minimal.StatusCode);
        Assert.Empty(await minimal.Content.ReadAsByteArrayAsync());
        Assert.Matches("/fhir/Observation/[0-9a-f]{32}/_history/1$", minimal.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Created, outcome.StatusCode);
        var said = Assert.IsType<OperationOutcome>(System.Text.Json.JsonSerializer.Deserialize<Resource>(await outcome.Content.ReadAsStringAsync(), FhirResources.Options));
        Assert.Equal(OperationOutcome.IssueSeverity.Information, said.Issue.Single().Severity);
        Assert.Matches("^Created Observation/[0-9a-f]{32} version 1\\.$", said.Issue.Single().Details!.Text);
        Assert.Contains(outcome.Headers.Location!.ToString().Split('/')[^3], said.Issue.Single().Details!.Text);
        var observation = Assert.IsType<Observation>(FhirResources.Parse(await representation.Content.ReadAsStringAsync()).Resource);
        Assert.Equal(57m, (observation.Value as Quantity)!.Value);
    }

    private Observation Identified(string id, decimal value)
    {
        var o = fhir.Observation(value: value);
        o.Identifier = [new Identifier(IdSystem, id)];
        return o;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Resource resource, params (string Name, string Value)[] headers) =>
        SendAsync(http, HttpMethod.Post, resource.TypeName, headers, FhirResources.ToJson(resource));

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, params (string Name, string Value)[] headers) =>
        SendAsync(http, method, path, headers, null);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, (string Name, string Value)[] headers, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
        return await http.SendAsync(request);
    }
}

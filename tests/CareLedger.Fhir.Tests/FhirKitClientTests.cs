using System.Text.Json;
using CareLedger.Contracts.Records;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// A second stock FHIR client from another ecosystem: npm's fhir-kit-client, run by Node.js from tests/fhir-js
/// (installed by .ci/run with npm ci) against the same real node, with the demo practitioner's bearer token.
/// The script prints what it saw; the ledger is checked here.
/// </summary>
[Collection(FhirCollection.Name)]
public class FhirKitClientTests(FhirNode fhir)
{
    [Fact]
    public async Task FhirKitClient_ConditionalCreateReadPagedAndCompartmentSearchUpdateHistory_WorkAgainstTheNode()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        var before = fhir.PatientRecordCount();

        var run = Guid.NewGuid().ToString("N")[..12];
        using var result = await RunAsync(run);
        var o = result.RootElement;

        string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetRawText() : x.GetString()!)];
        var conditional = o.GetProperty("conditionalCreate");
        var created = Strings(o.GetProperty("created"));
        var first = created[0];
        Assert.Equal(["201", "200"], Strings(conditional.GetProperty("statuses")));
        Assert.Equal([first, first], Strings(conditional.GetProperty("ids")));
        Assert.EndsWith($"/fhir/Observation/{first}/_history/1", conditional.GetProperty("location").GetString());
        Assert.Equal(before + 3, fhir.PatientRecordCount());

        Assert.Equal((first, "1", 70), (o.GetProperty("read").GetProperty("id").GetString(), o.GetProperty("read").GetProperty("versionId").GetString(),
            o.GetProperty("read").GetProperty("value").GetInt32()));
        Assert.Equal("W/\"1\"", o.GetProperty("read").GetProperty("etag").GetString());

        Assert.Equal(created.Order(StringComparer.Ordinal), Strings(o.GetProperty("search").GetProperty("ids")));
        // A page holds at most _count matches, and a next link while more may follow (the last page may then be empty).
        var searchPages = Strings(o.GetProperty("search").GetProperty("perPage")).Select(int.Parse).ToList();
        Assert.Equal([1, 1, 1], searchPages.Where(n => n > 0));
        Assert.All(searchPages, n => Assert.InRange(n, 0, 1));
        Assert.Equal(created.Order(StringComparer.Ordinal), Strings(o.GetProperty("compartment").GetProperty("ids")));
        var compartmentPages = Strings(o.GetProperty("compartment").GetProperty("perPage")).Select(int.Parse).ToList();
        Assert.Equal(2, compartmentPages[0]);
        Assert.All(compartmentPages, n => Assert.InRange(n, 0, 2));

        var update = o.GetProperty("update");
        Assert.Equal((200, "2", 75, 412), (update.GetProperty("status").GetInt32(), update.GetProperty("versionId").GetString(),
            update.GetProperty("value").GetInt32(), update.GetProperty("staleStatus").GetInt32()));
        var record = fhir.Node.Ledger.State.Get(RecordsContract.RecordPrefix + first)!;
        Assert.Equal((2L, fhir.Doctor.ToString()), (record.GetInt("version"), record.GetText("author")));

        Assert.Equal("history", o.GetProperty("history").GetProperty("type").GetString());
        Assert.Equal(["2", "1"], Strings(o.GetProperty("history").GetProperty("versions")));
        Assert.Equal(["75", "70"], Strings(o.GetProperty("history").GetProperty("values")));
        Assert.Equal(("1", 70), (o.GetProperty("vread").GetProperty("versionId").GetString(), o.GetProperty("vread").GetProperty("value").GetInt32()));
        Assert.Equal(304, o.GetProperty("notModified").GetInt32());
        Assert.Equal(401, o.GetProperty("unauthenticated").GetInt32());
    }

    private Task<JsonDocument> RunAsync(string run) => NodeScript.RunAsync("fhir-kit.mjs", new Dictionary<string, string>
    {
        ["FHIR_BASE"] = fhir.FhirBase.ToString().TrimEnd('/'), ["FHIR_TOKEN"] = fhir.Token, ["FHIR_PATIENT"] = fhir.Patient.Account.ToString(), ["FHIR_RUN"] = run,
    });
}

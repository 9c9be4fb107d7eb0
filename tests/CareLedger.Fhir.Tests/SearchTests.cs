using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class SearchTests(FhirNode fhir)
{
    private const string System = "urn:test:codes";

    [Fact]
    public async Task Search_ByPatientCodeAndDate_ReturnsExactlyTheMatchingRecords()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var code = "c" + Guid.NewGuid().ToString("N")[..8];
        var march = await client.CreateAsync(Observation(code, "2026-03-01"));
        var may = await client.CreateAsync(Observation(code, "2026-05-01T09:30:00Z"));
        var other = await client.CreateAsync(Observation("other-" + code, "2026-03-01"));
        string[] ForPatient(params string[] criteria) => [$"patient={fhir.PatientRef}", .. criteria];

        var byPatient = await client.SearchAsync<Observation>(ForPatient());
        var byCode = await client.SearchAsync<Observation>(ForPatient($"code={System}|{code}"));
        var byCodeOnly = await client.SearchAsync<Observation>(ForPatient($"code={code}"));
        var fromApril = await client.SearchAsync<Observation>(ForPatient($"code={System}|{code}", "date=ge2026-04-01"));
        var untilMarch = await client.SearchAsync<Observation>(ForPatient($"code={System}|{code}", "date=le2026-03-31"));
        var inMarch = await client.SearchAsync<Observation>(ForPatient($"code={System}|{code}", "date=eq2026-03"));
        var wrongSystem = await client.SearchAsync<Observation>(ForPatient($"code=http://loinc.org|{code}"));

        Assert.Superset(new[] { march!.Id!, may!.Id!, other!.Id! }.ToHashSet(), Issues.MatchIds(byPatient!).ToHashSet());
        Assert.Equal(new[] { march.Id!, may.Id! }.Order(), Issues.MatchIds(byCode!));
        Assert.Equal(Issues.MatchIds(byCode!), Issues.MatchIds(byCodeOnly!));
        Assert.Equal([may.Id!], Issues.MatchIds(fromApril!));
        Assert.Equal([march.Id!], Issues.MatchIds(untilMarch!));
        Assert.Equal([march.Id!], Issues.MatchIds(inMarch!));
        Assert.Empty(Issues.MatchIds(wrongSystem!));
        Assert.Equal(Bundle.BundleType.Searchset, byCode!.Type);
        Assert.Equal(2, byCode.Total);
    }

    [Fact]
    public async Task Search_WithCountOne_PagesThroughNextLinksToEveryMatchOnce()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var code = "p" + Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 3; i++) created.Add((await client.CreateAsync(Observation(code, "2026-07-01")))!.Id!);

        var page = await client.SearchAsync<Observation>([$"patient={fhir.PatientRef}", $"code={System}|{code}", "_count=1"]);
        var first = page!;
        var seen = new List<string>();
        while (page is not null)
        {
            seen.AddRange(Issues.MatchIds(page));
            page = await client.ContinueAsync(page);
        }

        Assert.Single(Issues.MatchIds(first));
        Assert.Null(first.Total);
        Assert.NotNull(first.NextLink);
        Assert.Equal(created.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Search_ReturnsDecryptedResourcesWithLedgerVersions()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var code = "v" + Guid.NewGuid().ToString("N")[..8];
        var created = await client.CreateAsync(Observation(code, "2026-06-01"));

        var found = (await client.SearchAsync<Observation>([$"patient={fhir.Patient.Account}", $"code={System}|{code}"]))!.Entry.Single();

        var observation = Assert.IsType<Observation>(found.Resource);
        Assert.Equal((created!.Id, "1"), (observation.Id, observation.Meta!.VersionId));
        Assert.Equal(code, observation.Code!.Coding.Single().Code);
        Assert.EndsWith($"/fhir/Observation/{created.Id}", found.FullUrl);
    }

    [Fact]
    public async Task Search_RecordGrantedByTypeButWithoutASharedKey_IsReportedNotSilentlyDropped()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        var code = "k" + Guid.NewGuid().ToString("N")[..8];
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, FhirResources.ToJson(Observation(code, "2026-07-01")));
        // Today's SDK wraps a patient's new record for their grantees at once; a record written by an older client, or
        // by someone else for the patient, may still come without the grantee's key. That is the case here.
        Assert.True(fhir.Node.Vault.DeleteKey(added.Record, fhir.Doctor));
        using var client = fhir.Client();

        var bundle = (await client.SearchAsync<Observation>([$"patient={fhir.Patient.Account}", $"code={System}|{code}"]))!;

        Assert.Empty(Issues.MatchIds(bundle));
        var outcome = Assert.IsType<OperationOutcome>(bundle.Entry.Single(e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning
            && i.Details!.Text!.Contains(added.Record) && i.Details.Text.Contains("no key has been shared"));
    }

    private Observation Observation(string code, string date)
    {
        var o = fhir.Observation(date: date);
        o.Code = new CodeableConcept(System, code);
        return o;
    }
}

using System.Net;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

/// <summary>Compartment search, _include and _lastUpdated, through Firely's client.</summary>
[Collection(FhirCollection.Name)]
public class SearchFeatureTests(FhirNode fhir)
{
    private const string System = "urn:test:codes";

    [Fact]
    public async Task CompartmentSearch_PatientObservation_IsTheTypeSearchByPatient_AndPagesTheSameWay()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var code = "m" + Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 3; i++) created.Add((await client.CreateAsync(Observation(code, "2026-08-01")))!.Id!);

        var first = (await client.GetAsync($"Patient/{fhir.Patient.Account}/Observation?code={System}|{code}&_count=2") as Bundle)!;
        var seen = new List<string>();
        for (var page = first; page is not null; page = await client.ContinueAsync(page)) seen.AddRange(Issues.MatchIds(page));
        var byType = await client.SearchAsync<Observation>([$"patient={fhir.PatientRef}", $"code={System}|{code}"]);

        Assert.Equal(2, Issues.MatchIds(first).Count);
        Assert.Contains($"/fhir/Patient/{fhir.Patient.Account}/Observation?", first.NextLink!.ToString());
        Assert.Equal(created.Order(StringComparer.Ordinal), seen);
        Assert.Equal(Issues.MatchIds(byType!), seen);
    }

    [Fact]
    public async Task CompartmentSearch_OfConsent_AndWithAnotherPatientParameter_AndPatientRecordHistoryStillWorks()
    {
        var grant = await fhir.GrantDoctorAsync("treatment", "Patient");
        using var client = fhir.Client();
        var patient = (await client.CreateAsync(new Patient { Identifier = [new Identifier("urn:careledger:account", fhir.Patient.Account.ToString())] }))!;

        var consents = (await client.GetAsync($"Patient/{fhir.Patient.Account}/Consent") as Bundle)!;
        var other = await Assert.ThrowsAsync<FhirOperationException>(() => client.GetAsync($"Patient/{fhir.Patient.Account}/Observation?patient=Patient/{new string('a', 64)}"));
        var history = await client.HistoryAsync($"Patient/{patient.Id}");

        Assert.Contains(grant, consents.Entry.Select(e => e.Resource!.Id));
        Assert.Equal(HttpStatusCode.BadRequest, other.Status);
        Assert.Contains("one patient at a time", Issues.Text(other));
        Assert.Equal(patient.Id, history!.Entry.Single().Resource!.Id);
    }

    [Fact]
    public async Task Include_DiagnosticReportResult_AddsTheReferencedObservationsTheDoctorMayRead_ReportsTheOneItMayNot_IgnoresAnotherServers()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation", "DiagnosticReport");
        using var client = fhir.Client();
        var code = "i" + Guid.NewGuid().ToString("N")[..8];
        var o1 = (await client.CreateAsync(Observation("part-" + code, "2026-09-01")))!;
        var o2 = (await client.CreateAsync(Observation("part-" + code, "2026-09-01")))!;
        var elsewhere = (await client.CreateAsync(Observation("part-" + code, "2026-09-01")))!;
        var unshared = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, FhirResources.ToJson(Observation("part-" + code, "2026-09-01")));
        Assert.True(fhir.Node.Vault.DeleteKey(unshared.Record, fhir.Doctor));
        var report = (await client.CreateAsync(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept(System, code),
            Subject = new ResourceReference(fhir.PatientRef),
            Result = [new($"Observation/{o1.Id}"), new($"{fhir.FhirBase}Observation/{o2.Id}"), new($"Observation/{unshared.Record}"),
                      new($"https://elsewhere.example/fhir/Observation/{elsewhere.Id}")],
        }))!;

        var bundle = (await client.SearchAsync<DiagnosticReport>([$"patient={fhir.PatientRef}", $"code={System}|{code}", "_include=DiagnosticReport:result"]))!;
        var plain = (await client.SearchAsync<DiagnosticReport>([$"patient={fhir.PatientRef}", $"code={System}|{code}"]))!;

        Assert.Equal([report.Id!], Issues.MatchIds(bundle));
        var included = bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).ToList();
        Assert.Equal(new[] { o1.Id!, o2.Id! }.Order(StringComparer.Ordinal), included.Select(e => e.Resource!.Id!).Order(StringComparer.Ordinal));
        Assert.All(included, e => Assert.EndsWith($"/fhir/Observation/{e.Resource!.Id}", e.FullUrl));
        var outcome = Assert.IsType<OperationOutcome>(bundle.Entry.Single(e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource);
        Assert.Contains(outcome.Issue, i => i.Details!.Text!.Contains($"Observation/{unshared.Record} (referenced, not included)"));
        Assert.DoesNotContain(plain.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Include);
    }

    [Fact]
    public async Task Include_ObservationPatient_AddsThePatientRecordsOfThatAccount()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation", "Patient");
        using var client = fhir.Client();
        var code = "q" + Guid.NewGuid().ToString("N")[..8];
        var patient = (await client.CreateAsync(new Patient { Identifier = [new Identifier("urn:careledger:account", fhir.Patient.Account.ToString())] }))!;
        var observation = (await client.CreateAsync(Observation(code, "2026-09-02")))!;

        var bundle = (await client.SearchAsync<Observation>([$"patient={fhir.PatientRef}", $"code={System}|{code}", "_include=Observation:patient"]))!;

        Assert.Equal([observation.Id!], Issues.MatchIds(bundle));
        var included = bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).Select(e => Assert.IsType<Patient>(e.Resource)).ToList();
        Assert.Contains(patient.Id, included.Select(p => p.Id));
        Assert.All(included, p => Assert.Equal(fhir.Patient.Account.ToString(),
            fhir.Node.Ledger.State.Get(CareLedger.Contracts.Records.RecordsContract.RecordPrefix + p.Id)!.GetText("patient")));
    }

    [Theory]
    [InlineData("Observation:device")]
    [InlineData("*")]
    [InlineData("DiagnosticReport:result")]
    public async Task Include_NotSupported_Is400NamingWhatIs(string include)
    {
        using var client = fhir.Client();
        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<Observation>([$"patient={fhir.PatientRef}", $"_include={include}"]));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Contains("Observation:subject", Issues.Text(e));
    }

    [Fact]
    public async Task LastUpdated_SelectsByTheVersionsBlockTime_AndAnUpdateMovesIt()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var code = "u" + Guid.NewGuid().ToString("N")[..8];
        var older = (await client.CreateAsync(Observation(code, "2026-10-01")))!;
        await PastTheHeadsTimeAsync();
        var newer = (await client.CreateAsync(Observation(code, "2026-10-01")))!;
        var t1 = older.Meta!.LastUpdated!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        string[] Criteria(params string[] more) => [$"patient={fhir.PatientRef}", $"code={System}|{code}", .. more];

        var after = await client.SearchAsync<Observation>(Criteria($"_lastUpdated=gt{t1}"));
        var atOrBefore = await client.SearchAsync<Observation>(Criteria($"_lastUpdated=le{t1}"));
        var range = await client.SearchAsync<Observation>(Criteria($"_lastUpdated=ge{t1}", $"_lastUpdated=lt{newer.Meta!.LastUpdated!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}"));
        var either = await client.SearchAsync<Observation>(Criteria($"_lastUpdated=eq{t1},ge{newer.Meta.LastUpdated.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}"));
        await PastTheHeadsTimeAsync();
        await client.UpdateAsync(older);
        var afterUpdate = await client.SearchAsync<Observation>(Criteria($"_lastUpdated=gt{t1}"));
        var bad = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<Observation>(Criteria("_lastUpdated=yesterday")));

        Assert.True(newer.Meta.LastUpdated > older.Meta.LastUpdated);
        Assert.Equal([newer.Id!], Issues.MatchIds(after!));
        Assert.Equal([older.Id!], Issues.MatchIds(atOrBefore!));
        Assert.Equal([older.Id!], Issues.MatchIds(range!));
        Assert.Equal(new[] { older.Id!, newer.Id! }.Order(StringComparer.Ordinal), Issues.MatchIds(either!));
        Assert.Equal(new[] { older.Id!, newer.Id! }.Order(StringComparer.Ordinal), Issues.MatchIds(afterUpdate!));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("is not a _lastUpdated search value", Issues.Text(bad));
    }

    private Observation Observation(string code, string date)
    {
        var o = fhir.Observation(date: date);
        o.Code = new CodeableConcept(System, code);
        return o;
    }

    /// <summary>
    /// Waits until the clock is past the head block's time: a block's time never goes backwards, so the next block is
    /// timed later than every earlier version only once the clock has passed the head (other tests commit blocks too).
    /// </summary>
    private async Task PastTheHeadsTimeAsync()
    {
        var head = fhir.Node.Chain.Head.Time;
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() <= head + 1) await Task.Delay(5);
    }
}

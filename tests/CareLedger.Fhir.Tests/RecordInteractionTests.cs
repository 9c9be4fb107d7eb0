using System.Net;
using CareLedger.Contracts.Records;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class RecordInteractionTests(FhirNode fhir)
{
    [Fact]
    public async Task Create_ByCustodialDoctorUnderTreatmentGrant_Is201AndSignedWithTheDoctorsKey()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();

        var created = await client.CreateAsync(fhir.Observation(value: 64));

        Assert.Matches("^[0-9a-f]{32}$", created!.Id);
        Assert.Equal("1", created.Meta!.VersionId);
        Assert.NotNull(created.Meta.LastUpdated);
        Assert.Equal($"{fhir.FhirBase}Observation/{created.Id}/_history/1", client.LastResult!.Location);
        var record = fhir.Node.Ledger.State.Get(RecordsContract.RecordPrefix + created.Id)!;
        Assert.Equal(fhir.Doctor.ToString(), record.GetText("author"));
        Assert.Equal(fhir.Patient.Account.ToString(), record.GetText("patient"));
    }

    [Fact]
    public async Task ReadVreadHistory_AfterUpdate_ServeEachDecryptedVersion()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var created = await client.CreateAsync(fhir.Observation(value: 64));

        var read = (await client.ReadAsync<Observation>($"Observation/{created!.Id}"))!;
        Assert.Equal(64m, ValueOf(read));
        Assert.Equal(fhir.PatientRef, read.Subject!.Reference);
        read.Value = new Quantity(70, "/min");
        var updated = await client.UpdateAsync(read, versionAware: true);
        Assert.Equal("2", updated!.Meta!.VersionId);

        var v1 = await client.ReadAsync<Observation>($"Observation/{created.Id}/_history/1");
        var latest = await client.ReadAsync<Observation>($"Observation/{created.Id}");
        Assert.Equal((64m, "1"), (ValueOf(v1!), v1!.Meta!.VersionId));
        Assert.Equal((70m, "2"), (ValueOf(latest!), latest!.Meta!.VersionId));
        var history = await client.HistoryAsync($"Observation/{created.Id}");
        Assert.Equal(Bundle.BundleType.History, history!.Type);
        Assert.Equal(["2", "1"], history.Entry.Select(e => e.Resource!.Meta!.VersionId));
        Assert.Equal([70m, 64m], history.Entry.Select(e => ValueOf((Observation)e.Resource!)));
    }

    [Fact]
    public async Task Update_AfterAnotherGranteesRevoke_IsUnderANewKeyAndEveryVersionStillReads()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        var revoked = await fhir.Records.GrantAsync(fhir.Patient, fhir.Pharmacist.ToString(), null, "treatment", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));
        using var client = fhir.Client();
        var created = (await client.CreateAsync(fhir.Observation(value: 64)))!;
        await fhir.Records.RevokeAsync(fhir.Patient, revoked);

        created.Value = new Quantity(71, "/min");
        var updated = await client.UpdateAsync(created);

        Assert.Equal("2", updated!.Meta!.VersionId);
        Assert.NotNull(fhir.Node.Vault.GetKey(created.Id!, fhir.Doctor, generation: 2));
        Assert.NotNull(fhir.Node.Vault.GetKey(created.Id!, fhir.Patient.Account, generation: 2));
        Assert.Null(fhir.Node.Vault.GetKey(created.Id!, fhir.Pharmacist, generation: 2));
        Assert.Equal(64m, ValueOf((await client.ReadAsync<Observation>($"Observation/{created.Id}/_history/1"))!));
        Assert.Equal(71m, ValueOf((await client.ReadAsync<Observation>($"Observation/{created.Id}"))!));
        Assert.Contains("\"value\":71", (await fhir.Records.ReadAsync(fhir.Patient, created.Id!, 2)).Json);
    }

    [Fact]
    public async Task CreatePatient_IdentifiedByAccountId_KeepsTheAccountAsIdentifierThroughUpdates()
    {
        await fhir.GrantDoctorAsync("treatment", "Patient");
        using var client = fhir.Client();
        var patient = new Patient { Id = fhir.Patient.Account.ToString(), Name = [new HumanName { Family = "Jones", Given = ["Sam"] }] };

        var created = (await client.CreateAsync(patient))!;
        created.BirthDate = "1980-02-03";
        var updated = (await client.UpdateAsync(created))!;

        Assert.NotEqual(fhir.Patient.Account.ToString(), created.Id);
        Assert.Equal(created.Id, updated.Id);
        Assert.Equal(("2", "1980-02-03"), (updated.Meta!.VersionId, updated.BirthDate));
        Assert.Equal(fhir.Patient.Account.ToString(), updated.Identifier.Single(i => i.System == "urn:careledger:account").Value);
    }

    [Fact]
    public async Task Update_WithStaleVersion_Is412AndAddsNoVersion()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var created = await client.CreateAsync(fhir.Observation(value: 80));
        await client.UpdateAsync(created!, versionAware: true);

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.UpdateAsync(created!, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, e.Status);
        Assert.Equal(2, fhir.Node.Ledger.State.Get(RecordsContract.RecordPrefix + created!.Id)!.GetInt("version"));
    }

    [Fact]
    public async Task Read_WithoutGrant_Is403WithTheLedgersReason()
    {
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, Allergy(fhir.PatientRef));
        using var client = fhir.Client();

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<AllergyIntolerance>($"AllergyIntolerance/{added.Record}"));

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, e.Outcome!.Issue.Single().Code);
        Assert.Contains("no grant from the patient covers this record", Issues.Text(e));
    }

    [Fact]
    public async Task Create_WithoutTreatmentGrantForTheType_Is403AndWritesNothing()
    {
        using var client = fhir.Client();
        var records = fhir.PatientRecordCount();
        var allergy = new AllergyIntolerance { Patient = new ResourceReference(fhir.PatientRef), Code = new CodeableConcept("http://snomed.info/sct", "91936005") };

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(allergy));

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Contains("no treatment grant", Issues.Text(e));
        Assert.Equal(records, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task Read_UnknownIdOtherTypeOrAccountId_Is404()
    {
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, Allergy(fhir.PatientRef));
        using var client = fhir.Client();

        var unknown = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Observation>("Observation/0123456789abcdef0123456789abcdef"));
        var otherType = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Observation>($"Observation/{added.Record}"));

        var account = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Patient>(fhir.PatientRef));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (unknown.Status, otherType.Status, account.Status));
        Assert.Equal(OperationOutcome.IssueType.NotFound, unknown.Outcome!.Issue.Single().Code);
        Assert.Contains("names a ledger account", Issues.Text(account));
    }

    [Fact]
    public async Task Delete_Is405WithOperationOutcome()
    {
        using var client = fhir.Client();
        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.DeleteAsync("Observation/0123456789abcdef0123456789abcdef"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, e.Status);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, e.Outcome!.Issue.Single().Code);
    }

    [Fact]
    public async Task Search_OfATypeThisServerDoesNotServe_Is404()
    {
        using var client = fhir.Client();
        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<Medication>([$"patient={fhir.Patient.Account}"]));
        Assert.Equal(HttpStatusCode.NotFound, e.Status);
        Assert.Contains("does not serve Medication", Issues.Text(e));
    }

    private static decimal? ValueOf(Observation o) => (o.Value as Quantity)?.Value;

    internal static string Allergy(string patient) =>
        $$$"""{"resourceType":"AllergyIntolerance","patient":{"reference":"{{{patient}}}"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"91936005"}]}}""";
}

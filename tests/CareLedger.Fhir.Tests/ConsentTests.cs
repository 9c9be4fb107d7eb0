using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class ConsentTests(FhirNode fhir)
{
    [Fact]
    public async Task ConsentSearch_ReflectsAGrant_ThenItsRevocation()
    {
        var expiry = DateTimeOffset.UtcNow.AddDays(3);
        var grant = await fhir.Records.GrantAsync(fhir.Patient, fhir.Doctor.ToString(), null, "second-opinion", [], ["DiagnosticReport"], expiry);
        using var client = fhir.Client();

        var active = await FindAsync(client, grant);
        Assert.Equal(Consent.ConsentState.Active, active.Status);
        Assert.Equal(fhir.PatientRef, active.Patient!.Reference);
        var provision = active.Provision!;
        Assert.Equal(Consent.ConsentProvisionType.Permit, provision.Type);
        Assert.Equal(fhir.Doctor.ToString(), provision.Actor.Single().Reference!.Identifier!.Value);
        Assert.Contains(provision.Purpose, c => c.Code == "second-opinion");
        Assert.Equal(["DiagnosticReport"], provision.Class.Select(c => c.Code));
        Assert.Equal(expiry.ToUnixTimeMilliseconds(), new FhirDateTime(provision.Period!.End).ToDateTimeOffset(TimeSpan.Zero).ToUnixTimeMilliseconds());

        await fhir.Records.RevokeAsync(fhir.Patient, grant);
        var revoked = await FindAsync(client, grant);
        Assert.Equal(Consent.ConsentState.Inactive, revoked.Status);
        Assert.Equal("2", revoked.Meta!.VersionId);
    }

    [Fact]
    public async Task ConsentSearch_LeavesOutGrantsToOthers()
    {
        var toPharmacist = await fhir.Records.GrantAsync(fhir.Patient, fhir.Pharmacist.ToString(), null, "treatment", [], ["MedicationStatement"], DateTimeOffset.UtcNow.AddDays(1));
        var toDoctor = await fhir.GrantDoctorAsync("treatment", "Encounter");
        using var client = fhir.Client();

        var ids = (await client.SearchAsync<Consent>([$"patient={fhir.Patient.Account}"]))!.Entry.Select(e => e.Resource!.Id).ToList();

        Assert.Contains(toDoctor, ids);
        Assert.DoesNotContain(toPharmacist, ids);
    }

    [Fact]
    public async Task ConsentCreate_Is405_BecauseConsentIsSignedWithThePatientsOwnKey()
    {
        using var client = fhir.Client();
        var consent = new Consent
        {
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference(fhir.PatientRef),
        };

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(consent));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, e.Status);
        Assert.Contains("patient's own key", Issues.Text(e));
    }

    private async Task<Consent> FindAsync(FhirClient client, string grant)
    {
        var bundle = await client.SearchAsync<Consent>([$"patient={fhir.Patient.Account}"]);
        return Assert.Single(bundle!.Entry.Select(e => e.Resource).OfType<Consent>(), c => c.Id == grant);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class ValidationTests(FhirNode fhir)
{
    [Fact]
    public async Task Create_InvalidResource_Is400ListingEveryIssue()
    {
        using var client = fhir.Client();
        var records = fhir.PatientRecordCount();
        var invalid = new Observation { Subject = new ResourceReference(fhir.PatientRef), Effective = new FhirDateTime("2026-13-45") };

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(invalid));

        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        var text = Issues.Text(e);
        Assert.True(e.Outcome!.Issue.Count >= 3, text);
        Assert.Contains("status", text);
        Assert.Contains("code", text);
        Assert.Contains("2026-13-45", text);
        Assert.Equal(records, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task Create_TooLargeToUpload_Is413BeforeAnythingIsWritten()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var records = fhir.PatientRecordCount();
        var observation = fhir.Observation();
        observation.Note = [new Annotation { Text = new string('x', 600 * 1024) }];

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(observation));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, e.Status);
        Assert.Equal(records, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task Create_NotJson_Is400OperationOutcome()
    {
        using var http = new HttpClient { BaseAddress = fhir.FhirBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fhir.Token);

        using var response = await http.PostAsync("Observation", new StringContent("{not json", Encoding.UTF8, "application/fhir+json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"resourceType\":\"OperationOutcome\"", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Patient/../Patient/{0}")]
    [InlineData("Organization/x/../../Patient/{0}")]
    [InlineData("http://evil.example/a/./Patient/{0}")]
    [InlineData("Patient/{0}/_history/1/../..")]
    public async Task Create_WithSubjectThatDodgesThePatientPath_Is422AndStoresNothing(string reference)
    {
        using var client = fhir.Client();
        var observation = fhir.Observation();
        observation.Subject = new ResourceReference(string.Format(System.Globalization.CultureInfo.InvariantCulture, reference, fhir.Patient.Account));
        var before = fhir.PatientRecordCount();

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(observation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Equal(before, fhir.PatientRecordCount());
    }

    [Fact]
    public async Task Create_WithSubjectThatIsNotALedgerAccount_Is422ExplainingTheMapping()
    {
        using var client = fhir.Client();
        var observation = fhir.Observation();
        observation.Subject = new ResourceReference("Patient/jones");

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(observation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Contains("ledger account id", Issues.Text(e));
    }

    [Fact]
    public async Task Create_ForAnAccountThatIsNotAPatient_Is422()
    {
        using var client = fhir.Client();
        var observation = fhir.Observation();
        observation.Subject = new ResourceReference($"Patient/{fhir.Doctor}");

        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(observation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Contains("not a patient", Issues.Text(e));
    }

    [Fact]
    public async Task Search_WithUnsupportedParameterOrWithoutPatient_Is400()
    {
        using var client = fhir.Client();

        var unsupported = await Assert.ThrowsAsync<FhirOperationException>(() =>
            client.SearchAsync<Observation>([$"patient={fhir.Patient.Account}", "category=vital-signs"]));
        var noPatient = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<Observation>(["code=8867-4"]));
        var badDate = await Assert.ThrowsAsync<FhirOperationException>(() =>
            client.SearchAsync<Observation>([$"patient={fhir.Patient.Account}", "date=ge2026-02-30"]));

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], new[] { unsupported.Status, noPatient.Status, badDate.Status });
        Assert.Contains("'category'", Issues.Text(unsupported));
        Assert.Contains("patient", Issues.Text(noPatient));
    }
}

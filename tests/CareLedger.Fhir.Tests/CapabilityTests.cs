using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class CapabilityTests(FhirNode fhir)
{
    [Fact]
    public async Task Metadata_WithoutToken_DeclaresR4JsonAndTheRecordInteractions()
    {
        using var client = fhir.Client(anonymous: true);
        var statement = await client.CapabilityStatementAsync();

        Assert.Equal(FHIRVersion.N4_0_1, statement!.FhirVersion);
        Assert.Contains("json", statement.Format);
        var observation = statement.Rest[0].Resource.Single(r => r.Type == "Observation");
        Assert.Equal(
            [TypeRestfulInteraction.Read, TypeRestfulInteraction.Vread, TypeRestfulInteraction.Update, TypeRestfulInteraction.HistoryInstance,
             TypeRestfulInteraction.Create, TypeRestfulInteraction.SearchType],
            observation.Interaction.Select(i => i.Code!.Value).OrderBy(c => (int)c));
        Assert.Equal(["_lastUpdated", "code", "date", "identifier", "patient"], observation.SearchParam.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("date", statement.Rest[0].Resource.Single(r => r.Type == "Condition").SearchParam.Select(p => p.Name));
    }

    [Fact]
    public async Task Metadata_DeclaresConditionalCreateAndRead_VersionedUpdate_Includes_AndThePatientCompartment()
    {
        using var client = fhir.Client(anonymous: true);
        var rest = (await client.CapabilityStatementAsync())!.Rest[0];
        var observation = rest.Resource.Single(r => r.Type == "Observation");
        var report = rest.Resource.Single(r => r.Type == "DiagnosticReport");

        Assert.True(observation.ConditionalCreate);
        Assert.Equal(ConditionalReadStatus.FullSupport, observation.ConditionalRead);
        Assert.Equal(ResourceVersionPolicy.VersionedUpdate, observation.Versioning);
        Assert.False(observation.ConditionalUpdate);
        Assert.Contains("Observation:patient", observation.SearchInclude);
        Assert.Contains("Observation:encounter", observation.SearchInclude);
        Assert.DoesNotContain("Observation:device", observation.SearchInclude);
        Assert.Contains("DiagnosticReport:result", report.SearchInclude);
        Assert.Equal("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", observation.SearchParam.Single(p => p.Name == "_lastUpdated").Definition);
        Assert.Equal(SearchParamType.Date, observation.SearchParam.Single(p => p.Name == "_lastUpdated").Type);
        Assert.Equal(SearchParamType.Token, observation.SearchParam.Single(p => p.Name == "identifier").Type);
        Assert.Equal(["http://hl7.org/fhir/CompartmentDefinition/patient"], rest.Compartment);
        Assert.Contains("Prefer: return=minimal", rest.Documentation);
    }

    [Fact]
    public async Task Metadata_DeclaresConsentAndAuditEventAsSearchOnly()
    {
        using var client = fhir.Client(anonymous: true);
        var resources = (await client.CapabilityStatementAsync())!.Rest[0].Resource;

        foreach (var type in new[] { "Consent", "AuditEvent" })
            Assert.Equal([TypeRestfulInteraction.SearchType], resources.Single(r => r.Type == type).Interaction.Select(i => i.Code!.Value));
        Assert.Contains("your own accesses", resources.Single(r => r.Type == "AuditEvent").Documentation);
        Assert.DoesNotContain(resources, r => r.Type == "Medication");
    }
}

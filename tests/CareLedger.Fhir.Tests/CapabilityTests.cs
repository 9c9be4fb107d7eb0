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
        Assert.Equal(["code", "date", "patient"], observation.SearchParam.Select(p => p.Name).Order());
        Assert.DoesNotContain("date", statement.Rest[0].Resource.Single(r => r.Type == "Condition").SearchParam.Select(p => p.Name));
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

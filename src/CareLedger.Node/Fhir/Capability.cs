using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.CapabilityStatement;
using SearchParamComponent = Hl7.Fhir.Model.CapabilityStatement.SearchParamComponent;

namespace CareLedger.Node.Fhir;

/// <summary>What /fhir/metadata declares: exactly the interactions and search parameters this endpoint implements.</summary>
public static class Capability
{
    private static readonly TypeRestfulInteraction[] RecordInteractions =
    [
        TypeRestfulInteraction.Create, TypeRestfulInteraction.Update, TypeRestfulInteraction.Read, TypeRestfulInteraction.Vread,
        TypeRestfulInteraction.HistoryInstance, TypeRestfulInteraction.SearchType,
    ];

    public static CapabilityStatement Statement(string baseUrl) => new()
    {
        Status = PublicationStatus.Active,
        Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Kind = CapabilityStatementKind.Instance,
        Software = new SoftwareComponent { Name = "CareLedger node", Version = typeof(Capability).Assembly.GetName().Version?.ToString() },
        Implementation = new ImplementationComponent { Description = "CareLedger FHIR R4 endpoint: encrypted patient records under ledger consent", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["json", "application/fhir+json"],
        Rest =
        [
            new RestComponent
            {
                Mode = RestfulCapabilityMode.Server,
                Documentation = "Records are encrypted; the node decrypts them only for practitioners of its organisation whose keys it holds (custodial keys), " +
                    "and only under the patient's grants on the ledger. Every read is logged on the ledger. " +
                    "Searches answer _count matches a page (100 unless given, at most 1,000) with a next link while more may follow. " + RecordResources.PatientMapping,
                Security = new SecurityComponent
                {
                    Cors = false,
                    Description = "Authorization: Bearer <token>, a token the node operator issued for a practitioner's custodial key. Patients hold their own keys " +
                        "and use the CareLedger client, not this endpoint.",
                },
                Resource = [.. FhirResources.RecordTypes.Order().Select(RecordResource), Consent(), AuditEvent()],
            },
        ],
    };

    private static ResourceComponent RecordResource(string type) => new()
    {
        Type = type,
        Versioning = ResourceVersionPolicy.Versioned,
        ReadHistory = true,
        UpdateCreate = false,
        Interaction = RecordInteractions.Select(i => new ResourceInteractionComponent { Code = i }).ToList(),
        SearchParam = SearchParams(type),
        Documentation = "Search needs patient; code and date are evaluated on the decrypted resource, so every candidate record counts as a logged read.",
    };

    private static ResourceComponent Consent() => new()
    {
        Type = "Consent",
        Interaction = [new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType }],
        SearchParam = SearchParams("Consent"),
        Documentation = "The patient's ledger grants to you or your organisation, read-only: a grant must be signed with the patient's own key.",
    };

    private static ResourceComponent AuditEvent() => new()
    {
        Type = "AuditEvent",
        Interaction = [new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType }],
        SearchParam = SearchParams("AuditEvent"),
        Documentation = "The ledger's access log (IHE BALP style), limited to your own accesses; the full log of a patient is for the patient only.",
    };

    private static List<SearchParamComponent> SearchParams(string type) => SearchCriteria.Supported(type).Select(name =>
        SearchCriteria.Definition(type, name) is { } d
            ? new SearchParamComponent { Name = name, Type = d.Type, Definition = d.Url }
            : new SearchParamComponent { Name = name, Type = SearchParamType.Reference, Documentation = "Patient/{accountId}: the ledger account whose records to search" })
        .ToList();
}

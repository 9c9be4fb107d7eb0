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
                    "Searches answer _count matches a page (100 unless given, at most 1,000) with a next link while more may follow; " +
                    "Patient/{accountId}/{type} searches the patient's compartment. Create and update honour Prefer: return=minimal | representation | OperationOutcome. " +
                    RecordResources.PatientMapping,
                Security = new SecurityComponent
                {
                    Cors = false,
                    Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                    Description = "Authorization: Bearer <token>: a token the node operator issued for a practitioner's custodial key, or a SMART on FHIR " +
                        "access token a registered app got with the patient's approval in the portal (standalone patient launch, authorization code with " +
                        "PKCE; see .well-known/smart-configuration). Patients hold their own keys and use the CareLedger client, not this endpoint.",
                    Extension = [Smart.SmartApi.OAuthUris(baseUrl)],
                },
                Resource = [.. FhirResources.RecordTypes.Order().Select(RecordResource), Consent(), AuditEvent()],
                Compartment = [PatientCompartment],
            },
        ],
    };

    private static ResourceComponent RecordResource(string type) => new()
    {
        Type = type,
        Versioning = ResourceVersionPolicy.VersionedUpdate,
        ReadHistory = true,
        UpdateCreate = false,
        ConditionalCreate = true,
        ConditionalRead = ConditionalReadStatus.FullSupport,
        ConditionalUpdate = false,
        ConditionalDelete = ConditionalDeleteStatus.NotSupported,
        Interaction = RecordInteractions.Select(i => new ResourceInteractionComponent { Code = i }).ToList(),
        SearchParam = SearchParams(type),
        SearchInclude = SearchCriteria.Includable(type).Select(p => $"{type}:{p.Name}").Order(StringComparer.Ordinal).ToList(),
        Documentation = "Search needs patient (or Patient/{accountId}/" + type + "); _lastUpdated is evaluated on the ledger, code, date and identifier " +
            "on the decrypted resource, so every candidate record counts as a logged read, as does every included record. " +
            "If-None-Exist makes create conditional (no duplicate on retry); update takes If-Match: W/\"n\"; read takes If-None-Match and If-Modified-Since.",
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

    public const string PatientCompartment = "http://hl7.org/fhir/CompartmentDefinition/patient";

    private static List<SearchParamComponent> SearchParams(string type) => SearchCriteria.Supported(type).Select(name =>
        name == "_lastUpdated"
            ? new SearchParamComponent
            {
                Name = name, Type = SearchParamType.Date, Definition = "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
                Documentation = "The version's block time on the ledger (meta.lastUpdated)",
            }
        : SearchCriteria.Definition(type, name) is { } d
            ? new SearchParamComponent { Name = name, Type = d.Type, Definition = d.Url }
            : new SearchParamComponent { Name = name, Type = SearchParamType.Reference, Documentation = "Patient/{accountId}: the ledger account whose records to search" })
        .ToList();
}

using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Chain;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// The ledger's access log as FHIR AuditEvent, shaped as IHE Basic Audit Log Patterns (BALP) reads.
/// The whole log of a patient is for the patient alone (they read it with their own key at
/// /v1/records/access-log); through this endpoint a practitioner sees the entries of their own accesses.
/// </summary>
public static class AuditEventApi
{
    private const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";

    public static IResult Search(HttpRequest request, Custodian custodian, LedgerReader ledger) => SearchIn(request, custodian, ledger, null);

    /// <param name="compartment">The patient of a compartment search, Patient/{accountId}/AuditEvent.</param>
    public static IResult SearchIn(HttpRequest request, Custodian custodian, LedgerReader ledger, AccountId? compartment)
    {
        var (criteria, invalid) = SearchCriteria.Parse("AuditEvent", request.Query, compartment);
        if (criteria is null) return invalid!;

        var state = ledger.State;
        var bundle = FhirApi.Searchset(request);
        var (matches, next) = SearchPaging.Collect(state, LoggedAccess.Of(criteria.Patient), criteria,
            (key, entry) => entry.Reader == custodian.Account ? ToAuditEvent(key, entry, criteria.Patient, state) : null);
        SearchPaging.Fill(bundle, request, matches, next);
        return new FhirResult(bundle, StatusCodes.Status200OK);
    }

    /// <param name="key">The entry's state key, records/access/{patient}/{height}/{tx}/{n}: its tx and n identify it.</param>
    public static AuditEvent ToAuditEvent(string key, LoggedAccess entry, AccountId patient, ContractState state)
    {
        var parts = key.Split('/');
        var tx = entry.Tx;
        var reader = entry.Reader.ToString();
        var node = entry.Node.ToString();
        var granted = entry.Outcome == "granted";
        var record = new ResourceReference($"{entry.Type}/{entry.Record}");
        return new AuditEvent
        {
            Id = $"{tx[..40]}-{int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)}",
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", "read", "read")],
            Action = AuditEvent.AuditEventAction.R,
            Recorded = DateTimeOffset.FromUnixTimeMilliseconds(entry.Time),
            Outcome = granted ? AuditEvent.AuditEventOutcome.N0 : AuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = entry.Reason,
            PurposeOfEvent = Purpose(entry.Purpose),
            Agent =
            [
                new AuditEvent.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"),
                    Who = RecordResources.Account(reader, Members.FindMember(state, entry.Reader)?.Name),
                    Requestor = true,
                    PurposeOfUse = Purpose(entry.Purpose),
                },
                new AuditEvent.AgentComponent
                {
                    Type = new CodeableConcept(Dicom, "110152", "Destination Role ID"),
                    Who = RecordResources.Account(node, Members.FindMember(state, entry.Node)?.Name, "Device"),
                    Requestor = false,
                },
            ],
            Source = new AuditEvent.SourceComponent
            {
                Observer = RecordResources.Account(node, type: "Device"),
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
            Entity =
            [
                new AuditEvent.EntityComponent
                {
                    What = record,
                    Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                    Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"),
                    Detail =
                    [
                        new AuditEvent.DetailComponent { Type = "ledger-transaction", Value = new FhirString(tx) },
                        new AuditEvent.DetailComponent { Type = "break-glass", Value = new FhirString(entry.BreakGlass ? "true" : "false") },
                    ],
                },
                new AuditEvent.EntityComponent
                {
                    What = new ResourceReference($"Patient/{patient}"),
                    Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                    Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
                },
            ],
        };
    }

    private static List<CodeableConcept> Purpose(string purpose)
    {
        var codings = PurposeOfUse.Codings(purpose).ToList();
        return codings.Count == 0 ? [] : [new CodeableConcept { Coding = codings, Text = purpose }];
    }
}

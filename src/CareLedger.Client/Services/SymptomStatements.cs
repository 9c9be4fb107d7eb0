using CareLedger.Contracts.Services;
using CareLedger.Vault.Records;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Services;

/// <summary>A symptom statement the patient shared for a booking: its encrypted record and the hash the booking carries.</summary>
public sealed record SharedSymptoms(string Record, string ContentHash, string Grant);

/// <summary>
/// The patient's statement of symptoms travels like any record: a FHIR Condition (provisional),
/// encrypted on the patient's client, readable by the practitioner through a grant scoped to that
/// one record. The booking holds only the ciphertext's hash, which ties the two together.
/// </summary>
public sealed class SymptomStatements(RecordsClient records)
{
    public async Task<SharedSymptoms> ShareAsync(IAccountKey patient, AccountId practitioner, string statement, DateTimeOffset until, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(statement)) throw new RecordException("the symptom statement is empty");
        var condition = new Condition
        {
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "provisional"),
            Code = new CodeableConcept { Text = "Symptoms stated by the patient when booking" },
            Subject = new ResourceReference($"Patient/{patient.Account}"),
            Note = [new Annotation { Text = new Markdown(statement.Trim()) }],
        };
        var added = await records.AddAsync(patient, patient.Account, FhirResources.ToJson(condition), ct: ct);
        var grant = await records.GrantAsync(patient, practitioner.ToString(), null, "treatment", [added.Record], [], until, ct);
        return new SharedSymptoms(added.Record, added.ContentHash, grant);
    }

    /// <summary>The statement behind a booking, for a reader the patient shared it with; null when none of their readable records matches.</summary>
    public async Task<string?> ReadAsync(IAccountKey reader, Booking booking, CancellationToken ct = default)
    {
        IReadOnlyList<RecordSummary> readable;
        try { readable = await records.ListAsync(reader, booking.Patient, ct); }
        catch (Api.NodeApiException e) when (e.Status == System.Net.HttpStatusCode.Forbidden) { return null; }
        var match = readable.FirstOrDefault(r => r.Type == "Condition" && r.Versions.Any(v => v.ContentHash == booking.Symptoms));
        if (match is null) return null;
        var version = match.Versions.First(v => v.ContentHash == booking.Symptoms).Version;
        var (_, json) = await records.ReadAsync(reader, match.Record, version, ct: ct);
        var parsed = FhirResources.Parse(json);
        return (parsed.Resource as Condition)?.Note.FirstOrDefault()?.Text;
    }
}

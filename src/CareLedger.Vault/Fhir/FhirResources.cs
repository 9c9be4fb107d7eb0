using System.Text;
using System.Text.Json;
using CareLedger.Contracts.Records;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CareLedger.Vault.Fhir;

/// <summary>The outcome of parsing a FHIR resource: the resource, or every problem found at once.</summary>
public sealed record FhirParseResult(Resource? Resource, IReadOnlyList<string> Errors)
{
    public bool IsValid => Resource is not null && Errors.Count == 0;
}

/// <summary>
/// FHIR R4 resources as records, through the Firely SDK: parsing validates cardinality, codes and
/// unknown elements and reports every error; only the resource types a record may hold are accepted.
/// </summary>
public static class FhirResources
{
    /// <summary>The resource types a record may hold: the records contract's list, the one the ledger enforces.</summary>
    public static readonly IReadOnlySet<string> RecordTypes = new HashSet<string>(RecordsContract.ResourceTypes, StringComparer.Ordinal);

    public static JsonSerializerOptions Options { get; } = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static FhirParseResult Parse(string json)
    {
        try
        {
            var resource = JsonSerializer.Deserialize<Resource>(json, Options);
            if (resource is null) return new(null, ["the body is not a FHIR resource"]);
            if (!RecordTypes.Contains(resource.TypeName))
                return new(null, [$"a record cannot hold a {resource.TypeName}; allowed: {string.Join(", ", RecordTypes.Order())}"]);
            return new(resource, []);
        }
        catch (DeserializationFailedException e)
        {
            return new(null, e.Exceptions.Select(x => x.Message).ToList());
        }
        catch (JsonException e)
        {
            return new(null, [$"not valid JSON: {e.Message}"]);
        }
        catch (InvalidOperationException e)
        {
            return new(null, [$"not a FHIR resource: {e.Message}"]);
        }
    }

    public static FhirParseResult Parse(ReadOnlySpan<byte> utf8) => Parse(Encoding.UTF8.GetString(utf8));

    public static byte[] Serialize(Resource resource) => JsonSerializer.SerializeToUtf8Bytes(resource, Options);

    public static string ToJson(Resource resource) => JsonSerializer.Serialize(resource, Options);

    /// <summary>The patient a resource is about ("Patient/{id}" subject or patient reference), if it names one.</summary>
    public static string? SubjectReference(Resource resource) => resource switch
    {
        Observation o => o.Subject?.Reference,
        Condition c => c.Subject?.Reference,
        AllergyIntolerance a => a.Patient?.Reference,
        MedicationStatement m => m.Subject?.Reference,
        MedicationRequest m => m.Subject?.Reference,
        DiagnosticReport d => d.Subject?.Reference,
        DocumentReference d => d.Subject?.Reference,
        Encounter e => e.Subject?.Reference,
        Communication c => c.Subject?.Reference,
        Patient p => p.Id is null ? null : $"Patient/{p.Id}",
        _ => null,
    };
}

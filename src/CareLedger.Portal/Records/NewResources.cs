using System.Globalization;
using System.Text.Json.Nodes;

namespace CareLedger.Portal.Records;

/// <summary>A vital sign a patient records themselves, with its LOINC code and UCUM unit.</summary>
public sealed record VitalSign(string Key, string Label, string Loinc, string Unit, string UnitLabel);

/// <summary>The FHIR R4 resources the portal's forms write; each is validated again by the SDK before it is sealed.</summary>
public static class NewResources
{
    public static readonly IReadOnlyList<VitalSign> VitalSigns =
    [
        new("heart-rate", "Heart rate", "8867-4", "/min", "beats per minute"),
        new("systolic", "Blood pressure, systolic", "8480-6", "mm[Hg]", "mmHg"),
        new("diastolic", "Blood pressure, diastolic", "8462-4", "mm[Hg]", "mmHg"),
        new("weight", "Body weight", "29463-7", "kg", "kg"),
        new("temperature", "Body temperature", "8310-5", "Cel", "°C"),
        new("glucose", "Blood glucose", "2339-0", "mg/dL", "mg/dL"),
        new("oxygen", "Oxygen saturation", "2708-6", "%", "%"),
    ];

    public static string Observation(string patient, VitalSign sign, decimal value, DateTimeOffset when) => new JsonObject
    {
        ["resourceType"] = "Observation",
        ["status"] = "final",
        ["category"] = new JsonArray(new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/observation-category", ["code"] = "vital-signs" }),
        }),
        ["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = sign.Loinc, ["display"] = sign.Label }),
            ["text"] = sign.Label,
        },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["effectiveDateTime"] = when.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = sign.UnitLabel, ["system"] = "http://unitsofmeasure.org", ["code"] = sign.Unit },
    }.ToJsonString();

    public static string Condition(string patient, string text, DateOnly? since) => Clinical("Condition", patient, text, o =>
    {
        o["clinicalStatus"] = Coded("http://terminology.hl7.org/CodeSystem/condition-clinical", "active");
        if (since is { } d) o["onsetDateTime"] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    });

    public static string Allergy(string patient, string text, string criticality) => new JsonObject
    {
        ["resourceType"] = "AllergyIntolerance",
        ["clinicalStatus"] = Coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
        ["criticality"] = criticality,
        ["code"] = new JsonObject { ["text"] = text },
        ["patient"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
    }.ToJsonString();

    public static string Medication(string patient, string text, string dose)
    {
        var o = new JsonObject
        {
            ["resourceType"] = "MedicationStatement",
            ["status"] = "active",
            ["medicationCodeableConcept"] = new JsonObject { ["text"] = text },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        };
        if (!string.IsNullOrWhiteSpace(dose)) o["dosage"] = new JsonArray(new JsonObject { ["text"] = dose.Trim() });
        return o.ToJsonString();
    }

    /// <summary>A practitioner's note in the patient's chart: a DocumentReference holding the text as a plain-text attachment.</summary>
    public static string ClinicalNote(string patient, string text) => new JsonObject
    {
        ["resourceType"] = "DocumentReference",
        ["status"] = "current",
        ["type"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "11506-3", ["display"] = "Progress note" }),
            ["text"] = "Clinical note",
        },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["content"] = new JsonArray(new JsonObject
        {
            ["attachment"] = new JsonObject { ["contentType"] = "text/plain; charset=utf-8", ["data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text.Trim())) },
        }),
    }.ToJsonString();

    private static string Clinical(string type, string patient, string text, Action<JsonObject> more)
    {
        var o = new JsonObject { ["resourceType"] = type, ["code"] = new JsonObject { ["text"] = text }, ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" } };
        more(o);
        return o.ToJsonString();
    }

    private static JsonObject Coded(string system, string code) =>
        new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };
}

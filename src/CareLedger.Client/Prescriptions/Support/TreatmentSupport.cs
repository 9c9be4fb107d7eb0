using System.Text.Json;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Prescriptions;

/// <summary>
/// An alert for the prescriber: an allergy to the drug or its class, an interaction with a drug
/// the patient takes or is prescribed, or a duplicate of one. Kind, severity and code go on the
/// ledger with the prescription (as acknowledged); detail and source are for the prescriber.
/// </summary>
public sealed record TreatmentAlert(string Kind, string Severity, string Code, string Detail, string Source);

/// <summary>
/// Checks a candidate MedicationRequest against the patient's AllergyIntolerance,
/// MedicationStatement and MedicationRequest resources, on the client, where they are decrypted.
/// Drugs are matched by ATC code (or class prefix), RxNorm ingredient codes being mapped to ATC
/// through the reference table (interactions.json, described in README.md beside it).
/// </summary>
public sealed class TreatmentSupport
{
    public const string RxNormSystem = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string AtcSystem = "http://www.whocc.no/atc";

    private static readonly string[] SeverityOrder = ["high", "moderate", "low"];

    private readonly Dictionary<string, string> _atcByRxNorm;
    private readonly IReadOnlyList<Interaction> _interactions;

    private TreatmentSupport(ReferenceTable table)
    {
        _atcByRxNorm = table.Drugs.ToDictionary(d => d.RxNorm, d => d.Atc, StringComparer.Ordinal);
        _interactions = table.Interactions;
    }

    /// <summary>The curated table shipped with the vault.</summary>
    public static TreatmentSupport Default { get; } = Load(typeof(TreatmentSupport).Assembly.GetManifestResourceStream("CareLedger.Client.Prescriptions.interactions.json")
        ?? throw new InvalidOperationException("the interaction table is not embedded"));

    public static TreatmentSupport Load(Stream json) =>
        new(JsonSerializer.Deserialize<ReferenceTable>(json, JsonSerializerOptions.Web) ?? throw new InvalidOperationException("empty interaction table"));

    public int InteractionCount => _interactions.Count;

    /// <summary>Every alert for the candidate, most severe first; none when nothing in the table applies.</summary>
    public IReadOnlyList<TreatmentAlert> Check(MedicationRequest candidate, IEnumerable<Resource> patientRecords)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var drug = Concepts(candidate.Medication as CodeableConcept);
        var alerts = new List<TreatmentAlert>();
        foreach (var record in patientRecords)
        {
            switch (record)
            {
                case AllergyIntolerance allergy when IsActive(allergy):
                    alerts.AddRange(AllergyAlerts(drug, allergy));
                    break;
                case MedicationStatement statement when statement.Status is MedicationStatement.MedicationStatusCodes.Active
                    or MedicationStatement.MedicationStatusCodes.Intended or MedicationStatement.MedicationStatusCodes.OnHold:
                    alerts.AddRange(MedicationAlerts(drug, Concepts(statement.Medication as CodeableConcept)));
                    break;
                case MedicationRequest request when !ReferenceEquals(request, candidate) && request.Status is MedicationRequest.MedicationrequestStatus.Active
                    or MedicationRequest.MedicationrequestStatus.OnHold:
                    alerts.AddRange(MedicationAlerts(drug, Concepts(request.Medication as CodeableConcept)));
                    break;
            }
        }
        return alerts.DistinctBy(a => (a.Kind, a.Code))
            .OrderBy(a => Array.IndexOf(SeverityOrder, a.Severity)).ThenBy(a => a.Kind, StringComparer.Ordinal).ThenBy(a => a.Code, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>At most one alert per allergy: on the ingredient itself if it matches, else on the allergen's ATC class.</summary>
    private IEnumerable<TreatmentAlert> AllergyAlerts(Drug drug, AllergyIntolerance allergy)
    {
        var allergen = Concepts(allergy.Code);
        var severity = allergy.Criticality == AllergyIntolerance.AllergyIntoleranceCriticality.Low ? "moderate" : "high";
        var name = allergy.Code?.Text ?? allergy.Code?.Coding.FirstOrDefault()?.Display ?? "a recorded allergen";
        if (allergen.RxNorm.Intersect(drug.RxNorm, StringComparer.Ordinal).FirstOrDefault() is { } rx)
            yield return new("allergy", severity, $"allergy:rxnorm:{rx}", $"The patient is allergic to {name}.", "the patient's AllergyIntolerance record");
        else if (allergen.Atc.FirstOrDefault(a => drug.Atc.Any(d => d.StartsWith(a, StringComparison.Ordinal))) is { } atc)
            yield return new("allergy", severity, $"allergy:atc:{atc}", $"The patient is allergic to {name} (ATC {atc}), which covers this drug.", "the patient's AllergyIntolerance record");
    }

    private IEnumerable<TreatmentAlert> MedicationAlerts(Drug drug, Drug other)
    {
        foreach (var atc in drug.Atc.Intersect(other.Atc, StringComparer.Ordinal))
            yield return new("duplicate", "moderate", $"duplicate:atc:{atc}", $"The patient already takes or is prescribed {atc}.", "the patient's medication records");
        foreach (var rule in _interactions)
            if ((Matches(drug, rule.A) && Matches(other, rule.B)) || (Matches(drug, rule.B) && Matches(other, rule.A)))
                yield return new("interaction", rule.Severity, rule.Id, rule.Effect, rule.Source);
    }

    private static bool Matches(Drug drug, IReadOnlyList<string> codes) => drug.Atc.Any(a => codes.Any(c => a.StartsWith(c, StringComparison.Ordinal)));

    /// <summary>The RxNorm and ATC codes of a concept, RxNorm ingredients also mapped to ATC.</summary>
    private Drug Concepts(CodeableConcept? concept)
    {
        var rxnorm = new List<string>();
        var atc = new List<string>();
        foreach (var coding in concept?.Coding ?? [])
        {
            if (coding.Code is not { Length: > 0 } code) continue;
            if (coding.System == RxNormSystem)
            {
                rxnorm.Add(code);
                if (_atcByRxNorm.TryGetValue(code, out var mapped)) atc.Add(mapped);
            }
            else if (coding.System == AtcSystem) atc.Add(code);
        }
        return new(rxnorm.Distinct().ToList(), atc.Distinct().ToList());
    }

    private static bool IsActive(AllergyIntolerance allergy)
    {
        var clinical = allergy.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
        var verification = allergy.VerificationStatus?.Coding.FirstOrDefault()?.Code;
        return clinical is null or "active" && verification is not ("refuted" or "entered-in-error");
    }

    private sealed record Drug(IReadOnlyList<string> RxNorm, IReadOnlyList<string> Atc);

    private sealed record ReferenceTable(
        [property: JsonRequired] IReadOnlyList<DrugEntry> Drugs,
        [property: JsonRequired] IReadOnlyList<Interaction> Interactions);

    private sealed record DrugEntry(string Name, string RxNorm, string Atc);

    private sealed record Interaction(string Id, IReadOnlyList<string> A, IReadOnlyList<string> B, string Severity, string Effect, string Source);
}

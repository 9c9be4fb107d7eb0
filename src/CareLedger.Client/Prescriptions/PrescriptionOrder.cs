using System.Globalization;
using Hl7.Fhir.Model;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Fhir;

namespace CareLedger.Client.Prescriptions;

/// <summary>A drug coded in RxNorm or ATC; on the ledger it is "rxnorm:{code}" or "atc:{code}".</summary>
public sealed record Medication(string System, string Code, string Display)
{
    public static readonly IReadOnlyList<string> Systems = ["rxnorm", "atc"];

    public string LedgerCode => $"{System}:{Code}";

    public string SystemUri => System == "rxnorm" ? TreatmentSupport.RxNormSystem : TreatmentSupport.AtcSystem;

    /// <summary>Reads "rxnorm|723|amoxicillin 500 mg" (system, code, display); null with the reason when it is not that.</summary>
    public static Medication? TryParse(string text, out string? error)
    {
        var parts = text.Split('|', 3, StringSplitOptions.TrimEntries);
        error = parts.Length < 2 || parts[1].Length == 0 ? "a medication is 'system|code|display', e.g. 'rxnorm|723|amoxicillin 500 mg'"
            : !Systems.Contains(parts[0]) ? $"the medication's system is rxnorm or atc, not '{parts[0]}'"
            : parts[1].Length > 48 || !parts[1].All(char.IsAsciiLetterOrDigit) ? $"'{parts[1]}' is not an RxNorm or ATC code"
            : null;
        return error is null ? new Medication(parts[0], parts[1], parts.Length > 2 && parts[2].Length > 0 ? parts[2] : parts[1]) : null;
    }
}

/// <summary>What a prescriber orders: the drug, dose instructions, doses per fill, fills, how long it stays valid and doses a day.</summary>
public sealed record PrescriptionOrder(AccountId Patient, Medication Medication, string Dose, long Quantity, long Fills, TimeSpan ValidFor, long DosesPerDay)
{
    /// <summary>The order as a FHIR R4 MedicationRequest, the clinical content that stays encrypted in the vault.</summary>
    public MedicationRequest ToMedicationRequest(AccountId prescriber, DateTimeOffset now) => new()
    {
        Status = MedicationRequest.MedicationrequestStatus.Active,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = new CodeableConcept(Medication.SystemUri, Medication.Code, Medication.Display, Medication.Display),
        Subject = new ResourceReference($"Patient/{Patient}"),
        Requester = new ResourceReference($"Practitioner/{prescriber}"),
        AuthoredOn = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DosageInstruction =
        [
            new Dosage
            {
                Text = Dose,
                Timing = new Timing { Repeat = new Timing.RepeatComponent { Frequency = (int)DosesPerDay, Period = 1, PeriodUnit = Timing.UnitsOfTime.D } },
            },
        ],
        DispenseRequest = new MedicationRequest.DispenseRequestComponent
        {
            NumberOfRepeatsAllowed = (int)(Fills - 1),
            Quantity = new Quantity { Value = Quantity, Unit = "dose" },
            ValidityPeriod = new Period { End = (now + ValidFor).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
        },
    };
}

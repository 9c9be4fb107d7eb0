using System.Text.RegularExpressions;
using CareLedger.Client.Api;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Fhir;
using CareLedger.Vault.Records;
using CareLedger.Ledger.Cryptography;
using Hl7.Fhir.Model;
using CareLedger.Portal.Session;
using Microsoft.Extensions.Localization;
using Medication = CareLedger.Client.Prescriptions.Medication;

namespace CareLedger.Portal.Records;

/// <summary>What the prescription pages share: the common drugs offered, the code a patient shows a pharmacy, and reading a prescription's content.</summary>
public static partial class Prescribing
{
    /// <summary>Common drugs, coded as treatment support's table knows them (RxNorm ingredients), so their alerts are found.</summary>
    public static readonly IReadOnlyList<Medication> Common =
    [
        new("rxnorm", "723", "amoxicillin"), new("rxnorm", "5640", "ibuprofen"), new("rxnorm", "7646", "omeprazole"),
        new("rxnorm", "83367", "atorvastatin"), new("rxnorm", "29046", "lisinopril"), new("rxnorm", "36437", "sertraline"),
        new("rxnorm", "1191", "aspirin"), new("rxnorm", "11289", "warfarin"), new("rxnorm", "10582", "levothyroxine"),
    ];

    /// <summary>
    /// What the patient shows a pharmacy, as a QR code and typed: the prescription's id and the presentation's one-time code,
    /// nothing clinical (the pharmacist reads the drug from the record the presentation shares with the pharmacy).
    /// </summary>
    public static string PharmacyCode(string prescription, string code) => $"{prescription}/{code}";

    /// <summary>Reads a typed or scanned pharmacy code, forgiving case and spaces; false when it is not one.</summary>
    public static bool TryReadPharmacyCode(string text, out string prescription, out string code)
    {
        var match = PharmacyCodePattern().Match(text.Trim());
        prescription = match.Success ? match.Groups["rx"].Value.ToLowerInvariant() : "";
        code = match.Success ? match.Groups["code"].Value.ToUpperInvariant() : "";
        return match.Success;
    }

    [GeneratedRegex(@"^(?<rx>[a-zA-Z0-9-]{1,64})\s*/\s*(?<code>[A-Za-z0-9]{5}-[A-Za-z0-9]{5})$")]
    private static partial Regex PharmacyCodePattern();

    /// <summary>The drug and dose instructions of a prescription, read from its encrypted MedicationRequest; null when the reader may not open it.</summary>
    public static async Task<(string Medication, string Dose)?> OpenAsync(NodeClient node, IAccountKey reader, Prescription rx)
    {
        try
        {
            var (_, json) = await new RecordsClient(node).ReadAsync(reader, rx.Record, rx.RecordVersion);
            if (FhirResources.Parse(json).Resource is not MedicationRequest request) return null;
            var coding = (request.Medication as CodeableConcept)?.Coding.FirstOrDefault();
            return (coding?.Display ?? coding?.Code ?? "a medication", request.DosageInstruction.FirstOrDefault()?.Text ?? "");
        }
        catch (Exception e) when (e is NodeApiException or RecordException or VaultCryptoException) { return null; }
    }

    /// <summary>Where a prescription stands, in English, for pages not translated yet.</summary>
    public static string Status(Prescription rx) => Status(rx, EnglishWords.Instance);

    /// <summary>Where a prescription stands, in words.</summary>
    public static string Status(Prescription rx, IStringLocalizer L)
    {
        if (rx.Status == PrescriptionStatus.Cancelled) return L["Cancelled by the prescriber"];
        if (rx.FillsLeft == 0) return rx.Fills == 1 ? L["All {0} fill dispensed", rx.Fills] : L["All {0} fills dispensed", rx.Fills];
        if (rx.Expiry <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) return Phrase.Capitalized(L["expired"]);
        if (rx.Remaining >= rx.Quantity)
            return rx.Fills == 1 ? L["{0} of 1 fill left", rx.FillsLeft] : L["{0} of {1} fills left", rx.FillsLeft, rx.Fills];
        return rx.Fills == 1
            ? L["{0} of 1 fill left; {1} of {2} doses left in this fill", rx.FillsLeft, rx.Remaining, rx.Quantity]
            : L["{0} of {1} fills left; {2} of {3} doses left in this fill", rx.FillsLeft, rx.Fills, rx.Remaining, rx.Quantity];
    }

    /// <summary>Whether the patient can still take it to a pharmacy.</summary>
    public static bool Dispensable(Prescription rx) =>
        rx.Status == PrescriptionStatus.Active && rx.FillsLeft > 0 && rx.Expiry > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

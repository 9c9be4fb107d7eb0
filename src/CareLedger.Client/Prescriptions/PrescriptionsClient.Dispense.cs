using CareLedger.Contracts;
using CareLedger.Client.Api;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Prescriptions;

/// <summary>
/// What a pharmacist's client checked before dispensing, in order, and what the dispense will name:
/// the fill due now and the content hash of the prescription exactly as it was read.
/// </summary>
public sealed record DispenseCheck(Prescription Prescription, long Fill, string ContentHash, string Medication, string Dose, IReadOnlyList<string> Checked);

public sealed partial class PrescriptionsClient
{
    /// <summary>
    /// Checks a presented prescription before a pharmacist dispenses it: active, not expired, fills
    /// left, presented to the pharmacist's pharmacy, the one-time code, then the prescription itself
    /// (decrypted under the patient's grant: the hash the prescriber pinned, the drug) and the
    /// prescriber's licence at the time of signature. Throws at the first failure; sends nothing.
    /// </summary>
    public async Task<DispenseCheck> VerifyAsync(IAccountKey pharmacist, string prescription, string code, CancellationToken ct = default)
    {
        const string action = "dispense";
        var org = (await node.As(pharmacist).GetAccountAsync(pharmacist.Account, ct)).Organisation;
        // The node shows a prescription to a pharmacy only while it is presented there, and one it may not see as if there
        // were none (ADR 0011), so that is all its absence tells.
        var rx = (await As(pharmacist).GetAsync(prescription, ct))?.Prescription
            ?? throw new PrescriptionException(action, $"prescription {prescription} is not presented to {org ?? "your pharmacy"}: a pharmacy sees a prescription only while " +
                "the patient presents it there, and each dispense uses up the presentation (the patient presents again for the next fill)");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var checkedSoFar = new List<string>();
        void Require(bool ok, string? passed, string refusal)
        {
            if (!ok) throw new PrescriptionException(action, refusal);
            if (passed is not null) checkedSoFar.Add(passed);
        }

        Require(rx.Status == "active", "active (not cancelled)", $"prescription {prescription} was cancelled by the prescriber");
        Require(rx.Expiry > now, $"valid until {DateTimeOffset.FromUnixTimeMilliseconds(rx.Expiry):yyyy-MM-dd HH:mm} UTC", $"prescription {prescription} has expired");
        Require(rx.FillsLeft > 0, $"fill {rx.CurrentFill} of {rx.Fills}, {rx.Remaining} doses left in it",
            $"no fills left: all {rx.Fills} fills of prescription {prescription} were dispensed");
        Require(rx.Pharmacy.Length > 0, null, $"prescription {prescription} is not presented to a pharmacy " +
            "(each dispense uses up the presentation and its one-time code: the patient presents again for the next fill)");
        Require(rx.Pharmacy == org, $"presented to {org}", $"wrong pharmacy: prescription {prescription} was presented to another pharmacy, not {org}");
        Require(CodeHash(prescription, code) == rx.CodeHash, "one-time code matches the presentation", "wrong code: the one-time code does not match the presentation");

        var (envelope, json) = await Records.ReadAsync(pharmacist, rx.Record, rx.RecordVersion, ct: ct);
        Require(envelope.ContentHash == rx.ContentHash && Hash256.Of(Convert.FromBase64String(envelope.Ciphertext)).ToString() == rx.ContentHash,
            $"content hash {rx.ContentHash[..16]}… as the prescriber signed it", "tampered prescription: its content does not match the hash the prescriber signed");
        var request = FhirResources.Parse(json).Resource as MedicationRequest;
        var coding = (request?.Medication as CodeableConcept)?.Coding.FirstOrDefault();
        var system = coding?.System == TreatmentSupport.RxNormSystem ? "rxnorm" : coding?.System == TreatmentSupport.AtcSystem ? "atc" : "?";
        // The ledger holds the drug sealed with a salt only the record carries (ADR 0011): the record must open the seal.
        var salt = request?.Identifier.FirstOrDefault(i => i.System == SealedCode.SaltSystem)?.Value;
        Require(coding is not null && salt is not null && SealedCode.Of($"{system}:{coding.Code}", SealedCode.FieldSalt(salt, "medication")) == rx.Medication,
            $"medication {system}:{coding?.Code} ({coding?.Display}) opens the ledger's seal",
            "tampered prescription: the MedicationRequest names another drug than the one the ledger sealed");

        var licence = await VerifyLicenceAsync(rx.Prescriber, rx.SignedAt, ct);
        Require(licence is null, "prescriber licensed when signing", $"unlicensed prescriber at issue: {licence}");
        return new DispenseCheck(rx, rx.CurrentFill, envelope.ContentHash, coding!.Display ?? rx.Medication,
            request!.DosageInstruction.FirstOrDefault()?.Text ?? "", checkedSoFar);
    }

    /// <summary>Dispenses the fill a <see cref="VerifyAsync"/> found due; the contract checks it all again, atomically.</summary>
    public Task<ReceiptDto> DispenseAsync(IAccountKey pharmacist, DispenseCheck check, string code, long quantity, long charge, CancellationToken ct = default) =>
        SendAsync(pharmacist, "dispense", DispenseArgs(check, code, quantity, charge), ct);

    /// <summary>Verifies, then dispenses.</summary>
    public async Task<(DispenseCheck Check, ReceiptDto Receipt)> DispenseAsync(IAccountKey pharmacist, string prescription, string code, long quantity, long charge,
        CancellationToken ct = default)
    {
        var check = await VerifyAsync(pharmacist, prescription, code, ct);
        return (check, await DispenseAsync(pharmacist, check, code, quantity, charge, ct));
    }

    public static CborMap DispenseArgs(DispenseCheck check, string code, long quantity, long charge) => new()
    {
        ["prescription"] = check.Prescription.Id, ["fill"] = check.Fill, ["quantity"] = quantity, ["code"] = code,
        ["contentHash"] = check.ContentHash, ["charge"] = charge,
    };
}

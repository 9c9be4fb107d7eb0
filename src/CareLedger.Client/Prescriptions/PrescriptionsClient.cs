using CareLedger.Contracts;
using System.Net;
using System.Security.Cryptography;
using CareLedger.Client.Api;
using CareLedger.Client.Licensing;
using CareLedger.Client.Records;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;
using CareLedger.Vault.Fhir;
using CareLedger.Vault.Records;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Prescriptions;

public sealed record IssuedPrescription(string Id, string Record, IReadOnlyList<TreatmentAlert> Alerts, ReceiptDto Receipt);

/// <summary>A presentation: the one-time code for the pharmacist, the records grant that lets the pharmacy read this one prescription, the receipt.</summary>
public sealed record PresentedPrescription(string Code, string Grant, ReceiptDto Receipt);

/// <summary>
/// E-prescriptions over a node (ADR 0008). Writes are signed prescriptions transactions that wait for
/// their block and return the receipt, or throw <see cref="PrescriptionException"/>; the clinical
/// content (a FHIR MedicationRequest) goes through <see cref="RecordsClient"/>, encrypted here.
/// </summary>
public sealed partial class PrescriptionsClient(NodeClient node)
{
    /// <summary>The same client, reading as <paramref name="key"/>'s holder (reads about people are answered to those they concern).</summary>
    public PrescriptionsClient As(IAccountKey key) => new(node.As(key));

    public const string Contract = "prescriptions";
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(366);
    private static readonly string[] CheckedTypes = ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"];
    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    private RecordsClient Records => new(node);

    /// <summary>
    /// Runs treatment support against the patient's allergies and medications the prescriber can read,
    /// refuses while alerts are unacknowledged, then adds the MedicationRequest record and issues it
    /// with the alerts. Refusals by this client happen before anything is written.
    /// </summary>
    public Task<IssuedPrescription> IssueAsync(IAccountKey prescriber, PrescriptionOrder order, bool acknowledgeAlerts, string? id = null,
        CancellationToken ct = default) =>
        IssueAsync(prescriber, order, _ => acknowledgeAlerts, id, ct);

    /// <summary>
    /// Issues only if every alert found now is one the prescriber has read (same kind and code): an alert that appeared since
    /// they were shown the others (a record added meanwhile) refuses it, with all the alerts, to be read first.
    /// </summary>
    public Task<IssuedPrescription> IssueAsync(IAccountKey prescriber, PrescriptionOrder order, IReadOnlyCollection<TreatmentAlert> read, string? id = null,
        CancellationToken ct = default) =>
        IssueAsync(prescriber, order, alerts => alerts.All(a => read.Any(r => r.Kind == a.Kind && r.Code == a.Code)), id, ct);

    private async Task<IssuedPrescription> IssueAsync(IAccountKey prescriber, PrescriptionOrder order, Func<IReadOnlyList<TreatmentAlert>, bool> acknowledged,
        string? id, CancellationToken ct)
    {
        CheckOrder(order);
        var licence = await VerifyLicenceAsync(prescriber.Account, null, ct);
        if (licence is not null) throw new PrescriptionException("issue", $"unlicensed prescriber: {licence}");
        var now = DateTimeOffset.UtcNow;
        var request = order.ToMedicationRequest(prescriber.Account, now);
        var alerts = TreatmentSupport.Default.Check(request, await ReadableMedicalHistoryAsync(prescriber, order.Patient, ct));
        if (alerts.Count > 0 && !acknowledged(alerts))
            throw new PrescriptionException("issue", $"{alerts.Count} treatment-support alert{(alerts.Count == 1 ? "" : "s")} to acknowledge first: " +
                string.Join("; ", alerts.Select(a => $"{a.Severity} {a.Kind} {a.Code}")), alerts: alerts);

        // The drug and the alerts' codes go on the ledger sealed with a salt that only the encrypted record carries (ADR 0011).
        var salt = SealedCode.NewSalt();
        request.Identifier.Add(new Identifier(SealedCode.SaltSystem, salt));
        var added = await Records.AddAsync(prescriber, order.Patient, FhirResources.ToJson(request), ct: ct);
        var rxId = id ?? NewId();
        var receipt = await SendAsync(prescriber, "issue", new CborMap
        {
            ["prescription"] = rxId, ["patient"] = order.Patient.ToString(), ["record"] = added.Record,
            ["medication"] = SealedCode.Of(order.Medication.LedgerCode, SealedCode.FieldSalt(salt, "medication")),
            ["quantity"] = order.Quantity, ["fills"] = order.Fills, ["expiry"] = (now + order.ValidFor).ToUnixTimeMilliseconds(),
            ["dosesPerDay"] = order.DosesPerDay,
            ["alerts"] = CborRecord.List(alerts.Select((a, n) => new Alert(a.Kind, a.Severity, SealedCode.Of(a.Code, SealedCode.FieldSalt(salt, $"alert/{n}")), Acknowledged: true))),
        }, ct);
        return new IssuedPrescription(rxId, added.Record, alerts, receipt);
    }

    /// <summary>
    /// The patient binds the prescription to one pharmacy with the hash of a fresh one-time code,
    /// locking the agreed price, then lets that pharmacy read this one record and nothing else.
    /// </summary>
    public async Task<PresentedPrescription> PresentAsync(IAccountKey patient, string prescription, string pharmacy, long price, string? asset,
        CancellationToken ct = default, string? insurer = null)
    {
        var rx = (await As(patient).GetAsync(prescription, ct))?.Prescription ?? throw new PrescriptionException("present", $"no prescription {prescription}");
        var code = NewCode();
        var args = new CborMap { ["prescription"] = prescription, ["pharmacy"] = pharmacy, ["codeHash"] = CodeHash(prescription, code), ["price"] = price };
        if (!string.IsNullOrEmpty(asset)) args["asset"] = asset;
        if (!string.IsNullOrEmpty(insurer)) args["insurer"] = insurer;
        var receipt = await SendAsync(patient, "present", args, ct);
        var until = DateTimeOffset.FromUnixTimeMilliseconds(rx.Expiry);
        var grant = await Records.GrantAsync(patient, null, pharmacy, "treatment", [rx.Record], [], until, ct);
        return new PresentedPrescription(code, grant, receipt);
    }

    public Task<ReceiptDto> WithdrawAsync(IAccountKey patient, string prescription, CancellationToken ct = default) =>
        SendAsync(patient, "withdraw", new CborMap { ["prescription"] = prescription }, ct);

    public Task<ReceiptDto> CancelAsync(IAccountKey prescriber, string prescription, string? reason = null, CancellationToken ct = default)
    {
        var args = new CborMap { ["prescription"] = prescription };
        if (reason is not null) args["reason"] = reason;
        return SendAsync(prescriber, "cancel", args, ct);
    }

    /// <summary>Another practitioner takes over after a revoked licence, endorsing the content they read and reviewed.</summary>
    public async Task<ReceiptDto> RenewAsync(IAccountKey practitioner, string prescription, CancellationToken ct = default)
    {
        var rx = (await As(practitioner).GetAsync(prescription, ct))?.Prescription ?? throw new PrescriptionException("renew", $"no prescription {prescription}");
        var (envelope, _) = await Records.ReadAsync(practitioner, rx.Record, rx.RecordVersion, ct: ct);
        return await SendAsync(practitioner, "renew", new CborMap { ["prescription"] = prescription, ["contentHash"] = envelope.ContentHash }, ct);
    }

    public Task<ReceiptDto> CollectAsync(IAccountKey pharmacyAdmin, string asset, long amount, CancellationToken ct = default) =>
        SendAsync(pharmacyAdmin, "collect", new CborMap { ["asset"] = asset, ["amount"] = amount }, ct);

    public Task<ReceiptDto> FundProgrammeAsync(IAccountKey admin, string programme, string asset, long amount, long rewardPerDay, long rewardPerDispense,
        CancellationToken ct = default) =>
        SendAsync(admin, "fund-programme", new CborMap
        {
            ["programme"] = programme, ["asset"] = asset, ["amount"] = amount, ["rewardPerDay"] = rewardPerDay, ["rewardPerDispense"] = rewardPerDispense,
        }, ct);

    public Task<ReceiptDto> JoinAsync(IAccountKey patient, string prescription, string programme, CancellationToken ct = default) =>
        SendAsync(patient, "join", new CborMap { ["prescription"] = prescription, ["programme"] = programme }, ct);

    public Task<ReceiptDto> CheckInAsync(IAccountKey patient, string prescription, CancellationToken ct = default) =>
        SendAsync(patient, "check-in", new CborMap { ["prescription"] = prescription }, ct);

    /// <summary>A prescription with its dispenses and the doses scheduled so far, or null when there is none.</summary>
    public Task<PrescriptionDetail?> GetAsync(string prescription, CancellationToken ct = default) =>
        GetOrNullAsync<PrescriptionDetail>($"v1/prescriptions/{Uri.EscapeDataString(prescription)}", ct);

    /// <summary>
    /// The prescriptions of one patient or one prescriber (give exactly one), newest first: all of them, asked
    /// <paramref name="pageSize"/> at a time by following the node's next links.
    /// </summary>
    public async Task<IReadOnlyList<Prescription>> ListAsync(AccountId? patient = null, AccountId? prescriber = null, int pageSize = QueryPaging.MaxLimit,
        CancellationToken ct = default)
    {
        var query = (patient is not null ? $"patient={patient}" : $"prescriber={prescriber}") + $"&limit={pageSize}";
        var prescriptions = await node.GetAllPagesAsync<Prescription>("v1/prescriptions?" + query, ct);
        return [.. prescriptions.OrderByDescending(rx => rx.Issued).ThenBy(rx => rx.Id, StringComparer.Ordinal)];
    }

    public async Task<AdherenceReport> AdherenceAsync(AccountId patient, CancellationToken ct = default)
    {
        using var response = await node.GetResponseAsync($"v1/adherence/{patient}", ct);
        return await NodeClient.ReadAsync<AdherenceReport>(response, ct);
    }

    public async Task<ProgrammeDetail?> GetProgrammeAsync(string programme, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<ProgrammeDetail>>(Contract, "programme", new CborMap { ["programme"] = programme }, ct)).Value;

    /// <summary>Moves units from an insurer admin's balance into the insurer's prescription fund, which pays covered presentations.</summary>
    public Task<ReceiptDto> FundCoverageAsync(IAccountKey insurerAdmin, string asset, long amount, CancellationToken ct = default) =>
        SendAsync(insurerAdmin, "fund-coverage", new CborMap { ["asset"] = asset, ["amount"] = amount }, ct);

    /// <summary>How much of a patient's prescriptions the admin's insurer pays, in total (what is used so far stays counted).</summary>
    public Task<ReceiptDto> SetCoverageAsync(IAccountKey insurerAdmin, AccountId patient, string asset, long limit, CancellationToken ct = default) =>
        SendAsync(insurerAdmin, "set-coverage", new CborMap { ["patient"] = patient.ToString(), ["asset"] = asset, ["limit"] = limit }, ct);

    /// <summary>What an insurer's prescription fund holds in an asset; for its staff.</summary>
    public Task<OrganisationFunds> FundAsync(string insurer, string asset, CancellationToken ct = default) =>
        node.QueryAsync<OrganisationFunds>(Contract, "fund", new CborMap { ["org"] = insurer, ["asset"] = asset }, ct);

    /// <summary>What a pharmacy's till holds in an asset: the charges of its dispenses not yet collected.</summary>
    public Task<OrganisationFunds> TillAsync(string pharmacy, string asset, CancellationToken ct = default) =>
        node.QueryAsync<OrganisationFunds>(Contract, "till", new CborMap { ["org"] = pharmacy, ["asset"] = asset }, ct);

    /// <summary>The hash a presentation publishes for its one-time code (ADR 0008): SHA-256 of "careledger/rx-code/v1/{prescription}/{code}".</summary>
    public static string CodeHash(string prescription, string code) =>
        Hash256.Of(System.Text.Encoding.UTF8.GetBytes($"careledger/rx-code/v1/{prescription}/{code}")).ToString();

    /// <summary>A fresh prescription id: "rx-" and 12 random hex digits.</summary>
    public static string NewId() => $"rx-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>Ten characters in two groups from an alphabet without look-alikes (no 0/O, 1/I/L): about 49 bits, read out at a counter.</summary>
    public static string NewCode()
    {
        var chars = Enumerable.Range(0, 10).Select(_ => CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)]).ToArray();
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }

    private static void CheckOrder(PrescriptionOrder order)
    {
        string? bad = order switch
        {
            { Quantity: <= 0 or > 100_000 } => "quantity must be between 1 and 100000 doses",
            { Fills: < 1 or > 12 } => "fills must be between 1 and 12",
            { DosesPerDay: < 1 or > 24 } => "doses per day must be between 1 and 24",
            _ when order.ValidFor <= TimeSpan.Zero || order.ValidFor > MaxValidity => "a prescription must stay valid for some time ahead, at most 366 days",
            _ when string.IsNullOrWhiteSpace(order.Dose) => "say how to take it (the dose instructions)",
            _ => null,
        };
        if (bad is not null) throw new PrescriptionException("issue", bad);
    }

    /// <summary>The patient's allergies, medication statements and requests that the prescriber may read, decrypted here.</summary>
    private async Task<IReadOnlyList<Resource>> ReadableMedicalHistoryAsync(IAccountKey prescriber, AccountId patient, CancellationToken ct)
    {
        IReadOnlyList<RecordSummary> summaries;
        try { summaries = await Records.ListAsync(prescriber, patient, ct); }
        catch (NodeApiException e) when (e.Status == HttpStatusCode.Forbidden) { return []; }
        var resources = new List<Resource>();
        foreach (var summary in summaries.Where(s => !s.Erased && CheckedTypes.Contains(s.Type)))
        {
            try
            {
                var (_, json) = await Records.ReadAsync(prescriber, summary.Record, ct: ct);
                if (FhirResources.Parse(json) is { IsValid: true, Resource: { } resource }) resources.Add(resource);
            }
            catch (NodeApiException e) when (e.Status == HttpStatusCode.Forbidden) { }
        }
        return resources;
    }

    /// <summary>Why the practitioner holds no valid licence at the time (now when null), or null when they do.</summary>
    private async Task<string?> VerifyLicenceAsync(AccountId practitioner, long? at, CancellationToken ct)
    {
        var verdict = await new LicensingClient(node).VerifyAsync(practitioner, at, ct);
        return verdict.Valid ? null : verdict.Reason ?? "no valid licence";
    }

    private async Task<ReceiptDto> SendAsync(IAccountKey key, string action, CborMap args, CancellationToken ct)
    {
        var sent = await node.SendAsync(key, Contract, action, args, ct);
        return Receipt(action, sent);
    }

    private static ReceiptDto Receipt(string action, SubmitResponse sent)
    {
        if (sent.Receipt is not { Status: "committed" } receipt) throw new PrescriptionException(action, $"transaction {sent.Id} is still pending; follow it with its receipt");
        if (receipt.Valid != true) throw new PrescriptionException(action, receipt.Reason ?? "refused", receipt.TxId);
        return receipt;
    }

    private async Task<T?> GetOrNullAsync<T>(string path, CancellationToken ct) where T : class
    {
        try
        {
            using var response = await node.GetResponseAsync(path, ct);
            return await NodeClient.ReadAsync<T>(response, ct);
        }
        catch (NodeApiException e) when (e.Status == HttpStatusCode.NotFound && e.Title.StartsWith("Unknown ", StringComparison.Ordinal))
        {
            return null;
        }
    }
}

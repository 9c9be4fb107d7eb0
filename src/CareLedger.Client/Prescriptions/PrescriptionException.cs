using CareLedger.Vault.Fhir;

namespace CareLedger.Client.Prescriptions;

/// <summary>
/// A prescriptions step refused by this client's checks (nothing was sent) or by the contract (the
/// transaction is on the ledger as invalid and changed nothing), with the reason.
/// </summary>
public sealed class PrescriptionException(string action, string reason, string? txId = null, IReadOnlyList<TreatmentAlert>? alerts = null)
    : Exception(txId is null ? $"prescriptions.{action}: {reason}" : $"prescriptions.{action} refused: {reason} (transaction {txId})")
{
    public string Action { get; } = action;
    public string Reason { get; } = reason;
    public string? TxId { get; } = txId;

    /// <summary>The treatment-support alerts that stopped an issue until acknowledged; empty otherwise.</summary>
    public IReadOnlyList<TreatmentAlert> Alerts { get; } = alerts ?? [];
}

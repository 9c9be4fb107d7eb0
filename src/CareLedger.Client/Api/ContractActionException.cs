using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Api;

/// <summary>
/// A signed contract action that did not take effect: the contract refused it (it stands in a block as
/// invalid, and its nonce is used), or it is not in a block yet and may still be (<see cref="Pending"/>).
/// </summary>
public sealed class ContractActionException(string contract, string action, string txId, ReceiptDto? refusal)
    : Exception(refusal is null
        ? $"{contract}.{action} accepted; not yet in a block (transaction {txId})"
        : $"{contract}.{action} refused: {refusal.Reason} (transaction {txId}, block {refusal.Height})")
{
    public string Contract { get; } = contract;
    public string Action { get; } = action;
    public string TxId { get; } = txId;

    /// <summary>The receipt of the invalid transaction; null while it is pending.</summary>
    public ReceiptDto? Refusal { get; } = refusal;

    public bool Pending => Refusal is null;
}

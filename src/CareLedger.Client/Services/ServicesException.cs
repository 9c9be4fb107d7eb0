namespace CareLedger.Client.Services;

/// <summary>A services action the contract refused (or that is not yet in a block), with the contract's reason.</summary>
public sealed class ServicesException(string action, string reason, string? txId = null)
    : Exception(txId is null ? $"services.{action}: {reason}" : $"services.{action} refused: {reason} (transaction {txId})")
{
    public string Action { get; } = action;
    public string Reason { get; } = reason;
    public string? TxId { get; } = txId;
}

using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Ordering;

public enum SubmitStatus { Accepted, Rejected, Full }

/// <summary>The answer to a submission: accepted for ordering, rejected with a reason, or refused because the pool is full.</summary>
public readonly record struct SubmitResult(SubmitStatus Status, Hash256 TxId, string? Reason)
{
    public static SubmitResult Accepted(Hash256 id) => new(SubmitStatus.Accepted, id, null);
    public static SubmitResult Rejected(string reason, Hash256 id = default) => new(SubmitStatus.Rejected, id, reason);
    public static SubmitResult Full => new(SubmitStatus.Full, default, "the transaction pool is full; retry later");
}

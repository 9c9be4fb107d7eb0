namespace CareLedger.Ledger.Runtime;

/// <summary>What a contract step returns: success, or a refusal with a reason the caller sees.</summary>
public readonly record struct Outcome(string? Error)
{
    public static Outcome Ok => default;
    public static Outcome Fail(string reason) => new(reason);
    public bool IsOk => Error is null;
}

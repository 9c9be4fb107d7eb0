using CareLedger.Ledger.Blocks;

namespace CareLedger.Contracts.Tests.Support;

/// <summary>Assertions on a transaction's result that show the refusal reason when they fail.</summary>
public static class Verdict
{
    public static void Valid(TxResult result) =>
        Assert.True(result.Valid, $"expected the transaction to take effect, but it was refused: {result.Reason}");

    public static void Refused(TxResult result, string reasonFragment)
    {
        Assert.False(result.Valid, $"expected a refusal mentioning '{reasonFragment}', but the transaction took effect");
        Assert.Contains(reasonFragment, result.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Events);
    }
}

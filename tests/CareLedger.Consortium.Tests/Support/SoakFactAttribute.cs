namespace CareLedger.Consortium.Tests.Support;

/// <summary>A long fault test, skipped unless CARELEDGER_SOAK=1 (CI does not run it).</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CARELEDGER_SOAK") != "1") Skip = "soak test: set CARELEDGER_SOAK=1 to run it";
    }
}

namespace CareLedger.Contracts.Tests.Determinism.Samples;

/// <summary>
/// Deterministic code whose IL carries operand bytes equal to floating-point opcodes
/// (0x22 ldc.r4, 0x23 ldc.r8, 0x6B conv.r4, 0x6C conv.r8, 0x76 conv.r.un) and a switch table:
/// a scanner that reads raw bytes instead of walking instructions would report it.
/// </summary>
internal static class DeterministicSample
{
    public const long Mixer = 0x2223_6B6C_7622_2376;

    public static long Run(long amount, int kind, SortedDictionary<string, long> ordered)
    {
        var total = amount ^ Mixer;
        total += kind switch
        {
            0 => 0x23232323,
            1 => 0x22222222,
            2 => 0x6B6B6B6B,
            3 => 0x6C6C6C6C,
            4 => 0x76767676,
            _ => 0,
        };
        foreach (var (_, value) in ordered) total = checked(total + value);
        return total + ordered.Keys.Sum(k => (long)k.Length);
    }
}

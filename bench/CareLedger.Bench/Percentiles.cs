namespace CareLedger.Bench;

/// <summary>Nearest-rank percentiles, the one way every scenario reports latency.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="p"/>-th percentile (0 &lt; p ≤ 1) of values already in ascending order; 0 when there are none.</summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The <paramref name="p"/>-th percentile (0 &lt; p ≤ 1) of values in any order.</summary>
    public static double Of(IEnumerable<double> values, double p) => OfSorted(values.Order().ToList(), p);
}

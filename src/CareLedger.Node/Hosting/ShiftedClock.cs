namespace CareLedger.Node.Hosting;

/// <summary>
/// For tests only: the system clock shifted by <c>CareLedger:Testing:ClockOffsetMs</c>, so that a test can run a real
/// node whose wall clock is wrong, as with a broken NTP (docs/adr/0012). Elapsed time (leases, timeouts) is not
/// shifted: a wrong wall clock does not change how fast time passes. The node logs a warning at start when it is set.
/// </summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public const string Setting = "CareLedger:Testing:ClockOffsetMs";

    public TimeSpan Offset => offset;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;

    /// <summary>The system clock, or a shifted one when the test setting asks for it.</summary>
    public static TimeProvider FromConfiguration(IConfiguration configuration) =>
        configuration.GetValue<long>(Setting) is var ms and not 0 ? new ShiftedClock(TimeSpan.FromMilliseconds(ms)) : TimeProvider.System;
}

using System.Diagnostics;

namespace CareLedger.Bench;

/// <summary>What this process (node and clients together) used between two moments: CPU, GC pauses, allocation.</summary>
public sealed record ProcessUsage(TimeSpan Wall, TimeSpan Cpu, TimeSpan GcPause, long AllocatedBytes, int Gen2Collections)
{
    public static Mark Now()
    {
        using var process = Process.GetCurrentProcess();
        return new Mark(Stopwatch.GetTimestamp(), process.TotalProcessorTime, GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(), GC.CollectionCount(2));
    }

    public double CoresBusy => Cpu / Wall;
    public double GcPausePercent => 100 * (GcPause / Wall);

    public readonly record struct Mark(long Timestamp, TimeSpan Cpu, TimeSpan GcPause, long Allocated, int Gen2)
    {
        public ProcessUsage Until(Mark end) =>
            new(Stopwatch.GetElapsedTime(Timestamp, end.Timestamp), end.Cpu - Cpu, end.GcPause - GcPause, end.Allocated - Allocated, end.Gen2 - Gen2);
    }
}

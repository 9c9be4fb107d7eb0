using CareLedger.Testing;

namespace CareLedger.Cli.Tests.Support;

/// <summary>A test on a size-limited tmpfs (<see cref="SmallDisk"/>), skipped with the reason where one cannot be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.WhyNot() is { } reason) Skip = reason;
    }
}

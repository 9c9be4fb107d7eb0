using CareLedger.Contracts.Tests.Determinism.Samples;

namespace CareLedger.Contracts.Tests.Determinism;

public sealed class DeterminismGuardTests
{
    private static readonly string ContractsAssembly = typeof(ConsortiumContracts).Assembly.Location;
    private static readonly string TestAssembly = typeof(DeterministicSample).Assembly.Location;

    [Fact]
    public void ContractsAssembly_AllCode_UsesNoNonDeterministicApi()
    {
        var report = DeterminismScanner.Scan(ContractsAssembly);

        Assert.True(report.Findings.Count == 0,
            "contract code must be a pure function of (state, block, transaction), but:\n" + string.Join("\n", report.Findings));
    }

    [Fact]
    public void ContractsAssembly_Scan_CoversEveryContractAndItsLambdas()
    {
        var report = DeterminismScanner.Scan(ContractsAssembly);

        Assert.True(report.TypesScanned >= 10, $"only {report.TypesScanned} types scanned");
        Assert.True(report.MethodsScanned >= 40, $"only {report.MethodsScanned} methods scanned");
        Assert.True(report.InstructionsScanned >= 1000, $"only {report.InstructionsScanned} instructions scanned");
    }

    [Theory]
    [InlineData(typeof(ReadsUtcNow), "reads the clock (System.DateTime::get_UtcNow)")]
    [InlineData(typeof(ReadsLocalNow), "reads the clock (System.DateTime::get_Now)")]
    [InlineData(typeof(ReadsToday), "reads the clock (System.DateTime::get_Today)")]
    [InlineData(typeof(ReadsOffsetNow), "reads the clock (System.DateTimeOffset::get_UtcNow)")]
    [InlineData(typeof(MakesGuid), "draws randomness (System.Guid::NewGuid)")]
    [InlineData(typeof(DrawsRandom), "draws randomness (System.Random)")]
    [InlineData(typeof(TimesWithStopwatch), "reads the clock (System.Diagnostics.Stopwatch)")]
    [InlineData(typeof(AsksTimeProvider), "reads the clock (System.TimeProvider)")]
    [InlineData(typeof(ReadsEnvironment), "reads the environment (System.Environment)")]
    [InlineData(typeof(ReadsFile), "does I/O (System.IO.File)")]
    [InlineData(typeof(UsesNetwork), "uses the network (System.Net.IPAddress)")]
    [InlineData(typeof(StartsTask), "uses threads or tasks (System.Threading.Tasks.Task`1)")]
    [InlineData(typeof(AsksThread), "uses threads or tasks (System.Threading.Thread)")]
    [InlineData(typeof(EnumeratesDictionary), "enumerates a hash collection in unspecified order (System.Collections.Generic.Dictionary`2::GetEnumerator)")]
    [InlineData(typeof(EnumeratesDictionaryKeys), "enumerates a hash collection in unspecified order (System.Collections.Generic.Dictionary`2/KeyCollection::GetEnumerator)")]
    [InlineData(typeof(EnumeratesHashSet), "enumerates a hash collection in unspecified order (System.Collections.Generic.HashSet`1::GetEnumerator)")]
    [InlineData(typeof(HalvesWithDouble), "uses floating point (ldc.r8)")]
    [InlineData(typeof(HalvesWithDouble), "uses floating point (conv.r8)")]
    [InlineData(typeof(ConvertsToFloat), "uses floating point (conv.r4)")]
    [InlineData(typeof(StoresDouble), "uses floating point (System.Double)")]
    [InlineData(typeof(LambdaReadsClock), "reads the clock (System.DateTime::get_UtcNow)")]
    public void Scan_TypeUsingNonDeterministicApi_ReportsIt(Type sample, string expected)
    {
        var report = DeterminismScanner.Scan(TestAssembly, Only(sample));

        Assert.Contains(report.Findings, f => f.Problem == expected);
    }

    [Fact]
    public void Scan_DeterministicCodeWithFloatOpcodeBytesInOperands_ReportsNothing()
    {
        var il = typeof(DeterministicSample).GetMethod(nameof(DeterministicSample.Run))!.GetMethodBody()!.GetILAsByteArray()!;

        var report = DeterminismScanner.Scan(TestAssembly, Only(typeof(DeterministicSample)));

        Assert.Contains((byte)0x23, il);
        Assert.Contains((byte)0x6C, il);
        Assert.Empty(report.Findings);
        Assert.True(report.InstructionsScanned > 20);
    }

    [Fact]
    public void Scan_LambdaInsideAType_IsAttributedToItsNestedClosureType()
    {
        var report = DeterminismScanner.Scan(TestAssembly, Only(typeof(LambdaReadsClock)));

        var finding = Assert.Single(report.Findings);
        Assert.StartsWith(typeof(LambdaReadsClock).FullName + "/", finding.Location, StringComparison.Ordinal);
    }

    private static Func<string, bool> Only(Type type)
    {
        var name = type.FullName!;
        return n => n == name || n.StartsWith(name + "/", StringComparison.Ordinal);
    }
}

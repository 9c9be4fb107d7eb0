using CareLedger.Node.Fhir;

namespace CareLedger.Fhir.Tests;

/// <summary>A date search value as the span its precision stands for, down to the tick.</summary>
public class DateRangeTests
{
    [Fact]
    public void EveryMillisecond_ParsesToExactlyThatMillisecond_NotATickShort()
    {
        var second = new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
        for (var ms = 0; ms < 1000; ms++)
        {
            var at = second.AddMilliseconds(ms);
            Assert.True(DateRange.TryParse(at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), out var range));
            Assert.Equal(new DateRange(at, at.AddMilliseconds(1)), range);
        }
    }

    [Theory]
    [InlineData("2026-12-07T05:00:00.1Z", 1_000_000, 1_000_000)]
    [InlineData("2026-12-07T05:00:00.12Z", 1_200_000, 100_000)]
    [InlineData("2026-12-07T05:00:00.123Z", 1_230_000, 10_000)]
    [InlineData("2026-12-07T05:00:00.1234567Z", 1_234_567, 1)]
    [InlineData("2026-12-07T05:00:00.123456789Z", 1_234_567, 1)]
    public void AFraction_SpansWhatItsDigitsStandFor(string text, long startTicks, long spanTicks)
    {
        var second = new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);

        Assert.True(DateRange.TryParse(text, out var range));

        Assert.Equal(second.AddTicks(startTicks), range.Start);
        Assert.Equal(spanTicks, (range.End - range.Start).Ticks);
    }

    [Fact]
    public void GreaterThanAMillisecond_DoesNotMatchThatMillisecondsVersion_ButMatchesTheNext()
    {
        var at = new DateTimeOffset(2026, 12, 7, 5, 0, 0, 123, TimeSpan.Zero);
        var gt = DateCriterion.Parse("gt2026-12-07T05:00:00.123Z")!;

        Assert.False(gt.Matches(new DateRange(at, at.AddMilliseconds(1))));
        Assert.True(gt.Matches(new DateRange(at.AddMilliseconds(1), at.AddMilliseconds(2))));
    }

    [Theory]
    [InlineData("2026-12-07T05:00:00.Z")]
    [InlineData("2026-13-01")]
    [InlineData("2026-12-07T25:00")]
    [InlineData("yesterday")]
    public void NotADate_IsRefused(string text) => Assert.False(DateRange.TryParse(text, out _));
}

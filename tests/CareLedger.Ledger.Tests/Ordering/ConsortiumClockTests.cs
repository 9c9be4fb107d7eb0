using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering.Consortium;
using Microsoft.Extensions.Logging.Abstractions;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>The time a leader gives its blocks comes from a quorum of validators' clocks, never from its own alone.</summary>
public sealed class ConsortiumClockTests
{
    private static readonly long Weeks = (long)TimeSpan.FromDays(21).TotalMilliseconds;
    private readonly SettableClock _clock = new(TestChain.Time);
    private readonly AccountId[] _validators = [.. Enumerable.Range(0, 3).Select(_ => SigningKey.Generate().Account)];

    private ConsortiumClock ClockOf(int self) => new(_clock, _validators[self].ToString(), TimeSpan.FromSeconds(5), NullLogger.Instance);

    private MemberHeartbeat Beat(int node, long clock) => new(_validators[node].ToString(), $"http://node{node}", "follower", 1, null, clock);

    [Fact]
    public void BlockTime_OwnClockWeeksAheadOfTheOthers_IsTheQuorumsTime()
    {
        var leader = ClockOf(0);
        _clock.UtcMs = TestChain.Time + Weeks;
        leader.Observe([Beat(1, TestChain.Time), Beat(2, TestChain.Time + 200)]);

        var time = leader.BlockTime(_validators.ToHashSet(), selfIsValidator: true);

        Assert.Equal(TestChain.Time + 200, time);
        Assert.True(leader.Skewed);
        Assert.Equal(Weeks - 200, leader.Skew);
    }

    [Fact]
    public void BlockTime_OwnClockWeeksBehindTheOthers_IsTheQuorumsTime()
    {
        var leader = ClockOf(0);
        _clock.UtcMs = TestChain.Time - Weeks;
        leader.Observe([Beat(1, TestChain.Time), Beat(2, TestChain.Time + 200)]);

        Assert.Equal(TestChain.Time, leader.BlockTime(_validators.ToHashSet(), selfIsValidator: true));
        Assert.True(leader.Skewed);
    }

    [Fact]
    public void BlockTime_PeerReadings_CountTheTimeElapsedSinceTheyWereRead()
    {
        var leader = ClockOf(0);
        leader.Observe([Beat(1, TestChain.Time + 100), Beat(2, TestChain.Time + 300)]);
        _clock.Advance(1_000);

        Assert.Equal(TestChain.Time + 1_100, leader.BlockTime(_validators.ToHashSet(), selfIsValidator: true));
        Assert.False(leader.Skewed);
    }

    [Fact]
    public void BlockTime_WithoutAQuorumOfReadings_GoesNoFurtherThanTheLastBlockPlusTheTimeSince()
    {
        var leader = ClockOf(0);
        leader.OnBlock(TestChain.Time);
        _clock.Advance(2_000);
        _clock.UtcMs = TestChain.Time + Weeks;

        Assert.Equal(TestChain.Time + 2_000, leader.BlockTime(_validators.ToHashSet(), selfIsValidator: true));
        Assert.Null(leader.Skew);
    }

    [Fact]
    public void BlockTime_ReadingsOlderThanTenSeconds_AreNotCounted()
    {
        var leader = ClockOf(0);
        leader.OnBlock(TestChain.Time);
        leader.Observe([Beat(1, TestChain.Time), Beat(2, TestChain.Time)]);
        _clock.Advance(11_000);
        _clock.UtcMs = TestChain.Time + Weeks;

        Assert.Equal(TestChain.Time + 11_000, leader.BlockTime(_validators.ToHashSet(), selfIsValidator: true));
    }

    [Fact]
    public void Skew_OneOtherNodeWeeksAhead_IsSmallForAnHonestNode()
    {
        var honest = ClockOf(1);
        honest.Observe([Beat(0, TestChain.Time + Weeks), Beat(2, TestChain.Time)]);

        Assert.Equal(0, honest.Skew);
        Assert.False(honest.Skewed);
    }

    /// <summary>A wall clock the test sets, and a monotonic clock it advances (which also moves the wall clock).</summary>
    private sealed class SettableClock(long utcMs) : TimeProvider
    {
        private long _ticks;
        public long UtcMs { get; set; } = utcMs;
        public void Advance(long ms)
        {
            _ticks += ms * TimeSpan.TicksPerMillisecond;
            UtcMs += ms;
        }
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(UtcMs);
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }
}

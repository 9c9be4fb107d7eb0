using CareLedger.Ledger.Cryptography;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// The consortium's time as its validators' clocks tell it, so that no one validator's clock sets block time
/// (docs/adr/0012). Every node publishes its clock in its heartbeat and reads the others'. A leader times a
/// block by the quorum-th highest of the validators' clocks, its own included: a majority of validators has
/// reached that time, so they accept the block at once, and while a majority is honest it lies between two
/// honest clocks, however far one faulty clock runs ahead or behind. Short of a quorum of readings (the other
/// nodes are down or not heard yet) the leader goes no further than the last block's time plus the time this
/// node has measured since it stored that block. A node whose own clock is off the median by more than the
/// allowed skew does not lead (<see cref="Skewed"/>): it would refuse clients' transactions as expired or not yet due.
/// </summary>
public sealed class ConsortiumClock(TimeProvider clock, string self, TimeSpan maxSkew, ILogger logger)
{
    /// <summary>A peer's reading older than this is not used (its node stopped publishing).</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private Dictionary<string, Reading> _peers = [];
    private Reading _lastBlock = new(0, clock.GetTimestamp());
    private long? _skew;
    private bool _alerting;

    /// <summary>This node's own clock, in Unix milliseconds.</summary>
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>How far ahead of this node's clock a block may be timed and still be applied.</summary>
    public TimeSpan MaxSkew => maxSkew;

    /// <summary>The latest block time this node accepts now.</summary>
    public long LatestAcceptable => Now + (long)maxSkew.TotalMilliseconds;

    /// <summary>
    /// This node's clock minus the median of the nodes' clocks, its own included (milliseconds; the lower median of an
    /// even count, which points at a clock ahead); null until another node has been heard.
    /// </summary>
    public long? Skew { get { lock (_gate) return _skew; } }

    /// <summary>This node's clock is further off the others' than the allowed skew: it should not lead.</summary>
    public bool Skewed => Skew is { } skew && Math.Abs(skew) > maxSkew.TotalMilliseconds;

    /// <summary>Takes in the nodes' heartbeats: the clocks they reported, counted from now on this node's monotonic clock.</summary>
    public void Observe(IEnumerable<MemberHeartbeat> heartbeats)
    {
        var at = clock.GetTimestamp();
        var peers = heartbeats.Where(b => b.Validator != self && b.Clock > 0).ToDictionary(b => b.Validator, b => new Reading(b.Clock, at));
        long? skew;
        lock (_gate)
        {
            _peers = peers;
            var now = Now;
            _skew = skew = peers.Count == 0 ? null : now - LowerMedian([now, .. peers.Values.Select(Estimate)]);
        }
        Alert(skew);
    }

    /// <summary>A block was stored at this height and time: the fallback bound counts from it.</summary>
    public void OnBlock(long time)
    {
        lock (_gate) _lastBlock = new Reading(time, clock.GetTimestamp());
    }

    /// <summary>The time to give the next block this node proposes (the chain then keeps it at or after its parent's).</summary>
    public long BlockTime(IReadOnlySet<AccountId> validators, bool selfIsValidator)
    {
        var quorum = validators.Count / 2 + 1;
        var names = validators.Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            var clocks = _peers.Where(p => names.Contains(p.Key) && clock.GetElapsedTime(p.Value.At) < MaxAge).Select(p => Estimate(p.Value)).ToList();
            if (selfIsValidator) clocks.Add(Now);
            if (clocks.Count >= quorum) return clocks.OrderDescending().ElementAt(quorum - 1);
            var sinceLastBlock = _lastBlock.Clock + (long)clock.GetElapsedTime(_lastBlock.At).TotalMilliseconds;
            return Math.Min(Now, sinceLastBlock);
        }
    }

    /// <summary>A peer's clock now: what it reported plus the time since we read it (an underestimate by the report's age, which errs on the safe side).</summary>
    private long Estimate(Reading reading) => reading.Clock + (long)clock.GetElapsedTime(reading.At).TotalMilliseconds;

    private static long LowerMedian(List<long> values)
    {
        values.Sort();
        return values[(values.Count - 1) / 2];
    }

    /// <summary>Logs once when this node's clock leaves the allowed skew, and once when it is back (no other node heard: no news).</summary>
    private void Alert(long? skew)
    {
        if (skew is not { } s) return;
        var off = Math.Abs(s) > maxSkew.TotalMilliseconds;
        lock (_gate)
        {
            if (off == _alerting) return;
            _alerting = off;
        }
        if (off)
            logger.LogWarning("ALERT: clock skew. This node's clock is {Skew} ms off the median of the nodes' clocks, more than the {MaxSkew} ms " +
                "allowed; fix its time source (NTP). It does not lead meanwhile; blocks are timed by a quorum of validators' clocks and followers " +
                "refuse blocks timed ahead of their own.", skew, (long)maxSkew.TotalMilliseconds);
        else
            logger.LogInformation("This node's clock is back within {MaxSkew} ms of the other nodes' clocks", (long)maxSkew.TotalMilliseconds);
    }

    private readonly record struct Reading(long Clock, long At);
}

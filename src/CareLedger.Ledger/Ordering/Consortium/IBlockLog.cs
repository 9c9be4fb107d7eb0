using System.Threading.Channels;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// The consortium's ordered block log: a linearizable store shared by every node (etcd in production,
/// see docs/adr/0009; <see cref="MemoryBlockLog"/> in tests). Block <c>h</c> is written once, only by
/// the holder of the leader key and only while it still holds it (the fence), so a deposed leader
/// can never write. Leases tie the leader key and each node's heartbeat to the node being alive.
/// Every method throws <see cref="BlockLogException"/> when the log cannot answer.
/// </summary>
public interface IBlockLog : IDisposable
{
    /// <summary>A lease that lives <paramref name="ttlSeconds"/> unless renewed; what it carries vanishes with it.</summary>
    Task<long> GrantLeaseAsync(int ttlSeconds, CancellationToken ct);

    /// <summary>Renews the lease once; false when it has expired (the leader key and heartbeat it carried are gone).</summary>
    Task<bool> KeepAliveAsync(long lease, CancellationToken ct);

    Task RevokeLeaseAsync(long lease, CancellationToken ct);

    /// <summary>
    /// Takes the leader key under <paramref name="lease"/> if nobody holds it and block
    /// <paramref name="nextHeight"/> does not exist yet, so only a fully caught-up node can lead.
    /// </summary>
    /// <returns>The leadership's fencing token (the key's create revision), or null when another node leads or the log has moved on.</returns>
    Task<long?> TryCampaignAsync(long lease, LeaderInfo leader, ulong nextHeight, CancellationToken ct);

    /// <summary>The current leader and its fencing token, or null when nobody leads.</summary>
    Task<(LeaderInfo? Leader, long Fence)?> GetLeaderAsync(CancellationToken ct);

    /// <summary>Appends block <paramref name="height"/> if nobody has, and only while <paramref name="fence"/> still holds the leader key.</summary>
    Task<bool> TryAppendAsync(ulong height, byte[] block, long fence, CancellationToken ct);

    /// <summary>Blocks from <paramref name="from"/> on, in order, at most <paramref name="limit"/>; and the log revision they were read at.</summary>
    Task<(IReadOnlyList<(ulong Height, byte[] Block)> Blocks, long Revision)> ReadBlocksAsync(ulong from, int limit, CancellationToken ct);

    /// <summary>The height of the first block the log still holds (older ones were truncated), or null when empty.</summary>
    Task<ulong?> FirstHeightAsync(CancellationToken ct);

    /// <summary>The height of the last block in the log, or null when empty.</summary>
    Task<ulong?> LastHeightAsync(CancellationToken ct);

    /// <summary>Drops blocks and their signatures below <paramref name="height"/>; nodes further behind catch up from peers.</summary>
    Task TruncateBelowAsync(ulong height, CancellationToken ct);

    /// <summary>Publishes a node's heartbeat under its lease: it disappears when the node does.</summary>
    Task PutMemberAsync(MemberHeartbeat heartbeat, long lease, CancellationToken ct);

    /// <summary>The heartbeats of the nodes that are up.</summary>
    Task<IReadOnlyList<MemberHeartbeat>> GetMembersAsync(CancellationToken ct);

    /// <summary>One validator's signatures over several blocks, in one write.</summary>
    Task PutSignaturesAsync(string validator, IReadOnlyList<(ulong Height, Blocks.BlockSignature Signature)> signatures, CancellationToken ct);

    /// <summary>Every validator's published signatures over blocks <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    Task<IReadOnlyList<(ulong Height, Blocks.BlockSignature Signature)>> ReadSignaturesAsync(ulong from, ulong to, CancellationToken ct);

    /// <summary>
    /// Streams changes from <paramref name="fromRevision"/> (0: from now) into <paramref name="sink"/> until
    /// cancelled or the stream breaks; the caller reads to catch up and watches again.
    /// </summary>
    /// <returns>True when the start revision was truncated away: read, then watch again from now.</returns>
    Task<bool> WatchAsync(long fromRevision, ChannelWriter<LogEvent> sink, CancellationToken ct);
}

public enum LogEventKind { Block, Leader, Signature }

/// <summary>A change in the log: block <see cref="Height"/> appended, the leader key set or gone (<see cref="Leader"/> null), a signature published.</summary>
public sealed record LogEvent(LogEventKind Kind, long Revision, ulong Height = 0, byte[]? Block = null, LeaderInfo? Leader = null, Blocks.BlockSignature? Signature = null)
{
    public static LogEvent Appended(ulong height, byte[] block, long revision) => new(LogEventKind.Block, revision, height, Block: block);
    public static LogEvent LeaderChanged(LeaderInfo? leader, long revision) => new(LogEventKind.Leader, revision, Leader: leader);
    public static LogEvent Signed(ulong height, Blocks.BlockSignature signature, long revision) => new(LogEventKind.Signature, revision, height, Signature: signature);
}

/// <summary>The block log could not answer (no member reachable, or it refused the call).</summary>
public sealed class BlockLogException(string message, Exception? inner = null) : Exception(message, inner);

using System.Threading.Channels;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Ordering.Consortium;

namespace CareLedger.Ledger.Tests.Ordering;

/// <summary>One node's view of a shared log that a test can cut off, as a network partition would: every call fails and its watch ends.</summary>
public sealed class IsolatableLog(IBlockLog log) : IBlockLog
{
    private volatile CancellationTokenSource _cut = new();
    private volatile bool _isolated;

    public bool Isolated
    {
        get => _isolated;
        set
        {
            _isolated = value;
            if (value) _cut.Cancel();
            else _cut = new CancellationTokenSource();
        }
    }

    private T Through<T>(Func<T> call) => _isolated ? throw new BlockLogException("cut off from the log") : call();

    public Task<long> GrantLeaseAsync(int ttlSeconds, CancellationToken ct) => Through(() => log.GrantLeaseAsync(ttlSeconds, ct));
    public Task<bool> KeepAliveAsync(long lease, CancellationToken ct) => Through(() => log.KeepAliveAsync(lease, ct));
    public Task RevokeLeaseAsync(long lease, CancellationToken ct) => Through(() => log.RevokeLeaseAsync(lease, ct));
    public Task<long?> TryCampaignAsync(long lease, LeaderInfo leader, ulong nextHeight, CancellationToken ct) => Through(() => log.TryCampaignAsync(lease, leader, nextHeight, ct));
    public Task<(LeaderInfo? Leader, long Fence)?> GetLeaderAsync(CancellationToken ct) => Through(() => log.GetLeaderAsync(ct));
    public Task<bool> TryAppendAsync(ulong height, byte[] block, long fence, CancellationToken ct) => Through(() => log.TryAppendAsync(height, block, fence, ct));
    public Task<(IReadOnlyList<(ulong Height, byte[] Block)> Blocks, long Revision)> ReadBlocksAsync(ulong from, int limit, CancellationToken ct) => Through(() => log.ReadBlocksAsync(from, limit, ct));
    public Task<ulong?> FirstHeightAsync(CancellationToken ct) => Through(() => log.FirstHeightAsync(ct));
    public Task<ulong?> LastHeightAsync(CancellationToken ct) => Through(() => log.LastHeightAsync(ct));
    public Task TruncateBelowAsync(ulong height, CancellationToken ct) => Through(() => log.TruncateBelowAsync(height, ct));
    public Task PutMemberAsync(MemberHeartbeat heartbeat, long lease, CancellationToken ct) => Through(() => log.PutMemberAsync(heartbeat, lease, ct));
    public Task<IReadOnlyList<MemberHeartbeat>> GetMembersAsync(CancellationToken ct) => Through(() => log.GetMembersAsync(ct));
    public Task PutSignaturesAsync(string validator, IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures, CancellationToken ct) => Through(() => log.PutSignaturesAsync(validator, signatures, ct));
    public Task<IReadOnlyList<(ulong Height, BlockSignature Signature)>> ReadSignaturesAsync(ulong from, ulong to, CancellationToken ct) => Through(() => log.ReadSignaturesAsync(from, to, ct));

    public async Task<bool> WatchAsync(long fromRevision, ChannelWriter<LogEvent> sink, CancellationToken ct)
    {
        if (_isolated) return false;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(ct, _cut.Token);
        try { return await log.WatchAsync(fromRevision, sink, cut.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return false; }
    }

    public void Dispose() { }
}

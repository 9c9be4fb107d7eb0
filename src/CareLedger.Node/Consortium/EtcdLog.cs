using System.Text.Json;
using System.Threading.Channels;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace CareLedger.Node.Consortium;

/// <summary>
/// The consortium's ordered block log, kept in etcd (a Raft cluster: one member per organisation).
/// Block n is the key <c>blocks/n</c>, written once, only by the holder of the leader key: every
/// append is a compare-and-swap on both, so a deposed leader can never write. Calls fail over
/// between the members' endpoints; see docs/adr/0009-etcd-ordered-block-log.md.
/// </summary>
public sealed class EtcdLog : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private readonly Endpoint[] _endpoints;
    private int _current;

    public EtcdLog(IEnumerable<string> endpoints, string chainId)
    {
        _endpoints = endpoints.Select(e => new Endpoint(e.Trim().TrimEnd('/'))).ToArray();
        if (_endpoints.Length == 0) throw new ArgumentException("no etcd endpoints configured", nameof(endpoints));
        Prefix = $"/careledger/{chainId}/";
    }

    public string Prefix { get; }
    public IReadOnlyList<string> Endpoints => _endpoints.Select(e => e.Url).ToList();
    private string BlockKey(ulong height) => $"{Prefix}blocks/{height:D20}";
    private string LeaderKey => Prefix + "leader";
    private string MemberKey(string validator) => $"{Prefix}members/{validator}";
    private string SignatureKey(ulong height, string validator) => $"{Prefix}sigs/{height:D20}/{validator}";

    /// <summary>Appends block <paramref name="height"/> if nobody has, and only while <paramref name="leaderRevision"/> still holds the leader key.</summary>
    public async Task<bool> TryAppendAsync(ulong height, byte[] block, long leaderRevision, CancellationToken ct)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(CreatedAt(LeaderKey, leaderRevision));
        txn.Compare.Add(CreatedAt(BlockKey(height), 0));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(BlockKey(height)), Value = ByteString.CopyFrom(block) } });
        var response = await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct, TimeSpan.FromSeconds(5));
        return response.Succeeded;
    }

    /// <summary>Blocks from <paramref name="from"/> on, in order, at most <paramref name="limit"/>; and the store revision they were read at.</summary>
    public async Task<(IReadOnlyList<(ulong Height, byte[] Block)> Blocks, long Revision)> ReadBlocksAsync(ulong from, int limit, CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes(BlockKey(from)), RangeEnd = PrefixEnd(Prefix + "blocks/"), Limit = limit };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        return (response.Kvs.Select(kv => (HeightOf(kv.Key), kv.Value.ToByteArray())).ToList(), response.Header.Revision);
    }

    /// <summary>The height of the last block in the log, or null when the log is empty.</summary>
    public async Task<ulong?> LastHeightAsync(CancellationToken ct)
    {
        var request = new RangeRequest
        {
            Key = Bytes(Prefix + "blocks/"), RangeEnd = PrefixEnd(Prefix + "blocks/"), Limit = 1, KeysOnly = true,
            SortOrder = RangeRequest.Types.SortOrder.Descend, SortTarget = RangeRequest.Types.SortTarget.Key,
        };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        return response.Kvs.Count == 0 ? null : HeightOf(response.Kvs[0].Key);
    }

    /// <summary>The height of the first block the log still holds (older ones were truncated), or null when empty.</summary>
    public async Task<ulong?> FirstHeightAsync(CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes(Prefix + "blocks/"), RangeEnd = PrefixEnd(Prefix + "blocks/"), Limit = 1, KeysOnly = true };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        return response.Kvs.Count == 0 ? null : HeightOf(response.Kvs[0].Key);
    }

    /// <summary>
    /// Drops blocks (and their signatures) below <paramref name="height"/> from the log and compacts
    /// etcd's history, so the log holds a bounded tail; nodes further behind catch up from peers.
    /// </summary>
    public async Task TruncateBelowAsync(ulong height, CancellationToken ct)
    {
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Bytes(BlockKey(0)), RangeEnd = Bytes(BlockKey(height)) } });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Bytes($"{Prefix}sigs/{0:D20}/"), RangeEnd = Bytes($"{Prefix}sigs/{height:D20}/") } });
        var response = await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct, TimeSpan.FromSeconds(10));
        await CallAsync((c, o) => c.Kv.CompactAsync(new CompactionRequest { Revision = response.Header.Revision }, o).ResponseAsync, ct, TimeSpan.FromSeconds(10));
    }

    public async Task<long> GrantLeaseAsync(int ttlSeconds, CancellationToken ct)
    {
        var response = await CallAsync((c, o) => c.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = ttlSeconds }, o).ResponseAsync, ct);
        return response.ID;
    }

    /// <summary>Renews the lease once; false when it has expired (the leader key and heartbeat it carried are gone).</summary>
    public async Task<bool> KeepAliveAsync(long lease, CancellationToken ct)
    {
        var response = await CallAsync(async (c, o) =>
        {
            using var call = c.Lease.LeaseKeepAlive(o);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, o.CancellationToken);
            await call.RequestStream.CompleteAsync();
            return await call.ResponseStream.MoveNext(o.CancellationToken) ? call.ResponseStream.Current : null;
        }, ct);
        return response is { TTL: > 0 };
    }

    public async Task RevokeLeaseAsync(long lease, CancellationToken ct) =>
        await CallAsync((c, o) => c.Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, o).ResponseAsync, ct);

    /// <summary>
    /// Takes the leader key under <paramref name="lease"/> if nobody holds it and block
    /// <paramref name="nextHeight"/> does not exist yet, so only a fully caught-up node can lead.
    /// Returns the key's create revision (the leadership's fencing token) or null.
    /// </summary>
    public async Task<long?> TryCampaignAsync(long lease, byte[] value, ulong nextHeight, CancellationToken ct)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(CreatedAt(LeaderKey, 0));
        txn.Compare.Add(CreatedAt(BlockKey(nextHeight), 0));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(LeaderKey), Value = ByteString.CopyFrom(value), Lease = lease } });
        var response = await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct);
        return response.Succeeded ? response.Header.Revision : null;
    }

    /// <summary>The current leader's value and fencing revision, or null when there is none.</summary>
    public async Task<(byte[] Value, long Revision)?> GetLeaderAsync(CancellationToken ct)
    {
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(new RangeRequest { Key = Bytes(LeaderKey) }, o).ResponseAsync, ct);
        return response.Kvs.Count == 0 ? null : (response.Kvs[0].Value.ToByteArray(), response.Kvs[0].CreateRevision);
    }

    /// <summary>Publishes this node's heartbeat (address, height, role) under its lease: it disappears when the node does.</summary>
    public async Task PutMemberAsync(MemberHeartbeat heartbeat, long lease, CancellationToken ct) =>
        await CallAsync((c, o) => c.Kv.PutAsync(new PutRequest
        {
            Key = Bytes(MemberKey(heartbeat.Validator)), Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(heartbeat)), Lease = lease,
        }, o).ResponseAsync, ct);

    /// <summary>The heartbeats of the nodes that are up (an unreadable one is skipped).</summary>
    public async Task<IReadOnlyList<MemberHeartbeat>> GetMembersAsync(CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes(Prefix + "members/"), RangeEnd = PrefixEnd(Prefix + "members/") };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        var beats = new List<MemberHeartbeat>();
        foreach (var kv in response.Kvs)
        {
            try { if (JsonSerializer.Deserialize<MemberHeartbeat>(kv.Value.Span) is { } beat) beats.Add(beat); }
            catch (JsonException) { }
        }
        return beats;
    }

    /// <summary>One validator's signatures over several blocks, in one etcd transaction (etcd takes at most 128 operations in one).</summary>
    public async Task PutSignaturesAsync(string validator, IReadOnlyList<(ulong Height, byte[] Signature)> signatures, CancellationToken ct)
    {
        var txn = new TxnRequest();
        foreach (var (height, signature) in signatures)
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(SignatureKey(height, validator)), Value = ByteString.CopyFrom(signature) } });
        await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct);
    }

    /// <summary>Validators' signatures for blocks <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public async Task<IReadOnlyList<(ulong Height, byte[] Signature)>> ReadSignaturesAsync(ulong from, ulong to, CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes($"{Prefix}sigs/{from:D20}/"), RangeEnd = Bytes($"{Prefix}sigs/{to + 1:D20}/") };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        return response.Kvs.Select(kv => (SignatureHeight(kv.Key), kv.Value.ToByteArray())).ToList();
    }

    public async Task<IReadOnlyList<(string Name, ulong Id, string[] ClientUrls)>> ListEtcdMembersAsync(CancellationToken ct)
    {
        var response = await CallAsync((c, o) => c.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync, ct);
        return response.Members.Select(m => (m.Name, m.ID, m.ClientURLs.ToArray())).ToList();
    }

    /// <summary>
    /// Streams changes under the consortium prefix from <paramref name="fromRevision"/> into
    /// <paramref name="sink"/> until cancelled or the stream breaks (the caller restarts it after
    /// catching up by reading). The member must have a Raft leader, or the stream ends.
    /// </summary>
    /// <returns>True when the start revision was compacted away: watch again from now (0) after reading.</returns>
    public async Task<bool> WatchAsync(long fromRevision, ChannelWriter<LogEvent> sink, CancellationToken ct)
    {
        var endpoint = _endpoints[Volatile.Read(ref _current) % _endpoints.Length];
        var headers = new Metadata { { "hasleader", "true" } };
        try
        {
            using var call = endpoint.Clients.Watch.Watch(headers, cancellationToken: ct);
            await call.RequestStream.WriteAsync(new WatchRequest
            {
                CreateRequest = new WatchCreateRequest { Key = Bytes(Prefix), RangeEnd = PrefixEnd(Prefix), StartRevision = fromRevision },
            }, ct);
            while (await call.ResponseStream.MoveNext(ct))
            {
                var response = call.ResponseStream.Current;
                if (response.CompactRevision > 0) return true;
                if (response.Canceled) return false;
                foreach (var e in response.Events)
                {
                    var key = e.Kv.Key.ToStringUtf8();
                    var kind = key.StartsWith(Prefix + "blocks/", StringComparison.Ordinal) ? LogEventKind.Block
                        : key == LeaderKey ? LogEventKind.Leader
                        : key.StartsWith(Prefix + "sigs/", StringComparison.Ordinal) ? LogEventKind.Signature
                        : LogEventKind.Other;
                    if (kind == LogEventKind.Other) continue;
                    var deleted = e.Type == Mvccpb.Event.Types.EventType.Delete;
                    var height = kind switch { LogEventKind.Block => HeightOf(e.Kv.Key), LogEventKind.Signature => SignatureHeight(e.Kv.Key), _ => 0UL };
                    await sink.WriteAsync(new LogEvent(kind, height, deleted ? null : e.Kv.Value.ToByteArray(), e.Kv.ModRevision), ct);
                }
            }
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
        }
        catch (RpcException)
        {
            Rotate(endpoint);
        }
        return false;
    }

    private async Task<T> CallAsync<T>(Func<Clients, CallOptions, Task<T>> call, CancellationToken ct, TimeSpan? timeout = null)
    {
        RpcException? last = null;
        for (var attempt = 0; attempt < _endpoints.Length * 2; attempt++)
        {
            var endpoint = _endpoints[Volatile.Read(ref _current) % _endpoints.Length];
            var options = new CallOptions(deadline: DateTime.UtcNow + (timeout ?? CallTimeout), cancellationToken: ct);
            try { return await call(endpoint.Clients, options); }
            catch (RpcException e) when (ct.IsCancellationRequested) { throw new OperationCanceledException("the node is stopping", e, ct); }
            catch (RpcException e) when (!ct.IsCancellationRequested && e.StatusCode is not (StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted or StatusCode.PermissionDenied))
            {
                last = e;
                Rotate(endpoint);
            }
        }
        throw new EtcdUnavailableException($"no etcd member answered ({string.Join(", ", Endpoints)}): {last?.Status.Detail}", last);
    }

    private void Rotate(Endpoint failed)
    {
        var index = Array.IndexOf(_endpoints, failed);
        Interlocked.CompareExchange(ref _current, (index + 1) % _endpoints.Length, index);
    }

    private static Compare CreatedAt(string key, long revision) => new()
    {
        Key = Bytes(key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = revision,
    };

    private static ByteString Bytes(string s) => ByteString.CopyFromUtf8(s);

    /// <summary>The end of a prefix range: the prefix with its last byte incremented.</summary>
    private static ByteString PrefixEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    private static ulong HeightOf(ByteString key)
    {
        var s = key.ToStringUtf8();
        return ulong.Parse(s.AsSpan(s.Length - 20));
    }

    private static ulong SignatureHeight(ByteString key)
    {
        var s = key.ToStringUtf8();
        var start = s.IndexOf("sigs/", StringComparison.Ordinal) + 5;
        return ulong.Parse(s.AsSpan(start, 20));
    }

    public void Dispose()
    {
        foreach (var e in _endpoints) e.Dispose();
    }

    private sealed class Endpoint(string url) : IDisposable
    {
        private Clients? _clients;
        public string Url { get; } = url;

        public Clients Clients => LazyInitializer.EnsureInitialized(ref _clients, () => new Clients(GrpcChannel.ForAddress(Url, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(1),
                KeepAlivePingDelay = TimeSpan.FromSeconds(2),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
                EnableMultipleHttp2Connections = true,
            },
        })));

        public void Dispose() => _clients?.Channel.Dispose();
    }

    private sealed class Clients(GrpcChannel channel)
    {
        public GrpcChannel Channel { get; } = channel;
        public KV.KVClient Kv { get; } = new(channel);
        public Lease.LeaseClient Lease { get; } = new(channel);
        public Watch.WatchClient Watch { get; } = new(channel);
        public Cluster.ClusterClient Cluster { get; } = new(channel);
    }
}

public enum LogEventKind { Block, Leader, Signature, Other }

/// <summary>A change in the consortium's keys: a block appended, the leader key set or gone, a signature published.</summary>
public sealed record LogEvent(LogEventKind Kind, ulong Height, byte[]? Value, long Revision);

/// <summary>No etcd member could be reached.</summary>
public sealed class EtcdUnavailableException(string message, Exception? inner) : Exception(message, inner);

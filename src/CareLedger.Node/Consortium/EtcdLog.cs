using System.Formats.Cbor;
using System.Text.Json;
using System.Threading.Channels;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering.Consortium;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace CareLedger.Node.Consortium;

/// <summary>
/// The consortium's ordered block log kept in etcd (a Raft cluster: one member per organisation),
/// the production <see cref="IBlockLog"/>. Block n is the key <c>blocks/n</c>, written once, only by
/// the holder of the leader key: every append is a compare-and-swap on both, so a deposed leader can
/// never write. Values are encoded as docs/protocol.md says (leader and heartbeats JSON, signatures
/// CBOR). Calls fail over between the members' endpoints; see docs/adr/0009-etcd-ordered-block-log.md.
/// Over TLS and etcd's authentication when <see cref="EtcdCredentials"/> say so (<c>.Auth</c>).
/// </summary>
public sealed partial class EtcdLog : IBlockLog
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private readonly Endpoint[] _endpoints;
    private readonly EtcdCredentials _credentials;
    private int _current;

    public EtcdLog(IEnumerable<string> endpoints, string chainId, EtcdCredentials? credentials = null)
    {
        _credentials = credentials ?? EtcdCredentials.None;
        _endpoints = endpoints.Select(e => new Endpoint(e.Trim().TrimEnd('/'), _credentials)).ToArray();
        if (_endpoints.Length == 0) throw new ArgumentException("no etcd endpoints configured", nameof(endpoints));
        Prefix = $"/careledger/{chainId}/";
    }

    private string Prefix { get; }
    private IEnumerable<string> Endpoints => _endpoints.Select(e => e.Url);
    private string BlockKey(ulong height) => $"{Prefix}blocks/{height:D20}";
    private string LeaderKey => Prefix + "leader";
    private string MemberKey(string validator) => $"{Prefix}members/{validator}";
    private string SignatureKey(ulong height, string validator) => $"{Prefix}sigs/{height:D20}/{validator}";

    public async Task<bool> TryAppendAsync(ulong height, byte[] block, long fence, CancellationToken ct)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(CreatedAt(LeaderKey, fence));
        txn.Compare.Add(CreatedAt(BlockKey(height), 0));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(BlockKey(height)), Value = ByteString.CopyFrom(block) } });
        var response = await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct, TimeSpan.FromSeconds(5));
        return response.Succeeded;
    }

    public async Task<(IReadOnlyList<(ulong Height, byte[] Block)> Blocks, long Revision)> ReadBlocksAsync(ulong from, int limit, CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes(BlockKey(from)), RangeEnd = PrefixEnd(Prefix + "blocks/"), Limit = limit };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        return (response.Kvs.Select(kv => (HeightOf(kv.Key), kv.Value.ToByteArray())).ToList(), response.Header.Revision);
    }

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

    public async Task<ulong?> FirstHeightAsync(CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes(Prefix + "blocks/"), RangeEnd = PrefixEnd(Prefix + "blocks/"), Limit = 1, KeysOnly = true };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        return response.Kvs.Count == 0 ? null : HeightOf(response.Kvs[0].Key);
    }

    /// <summary>Drops blocks and their signatures below <paramref name="height"/> and compacts etcd's history, so the log holds a bounded tail.</summary>
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

    /// <summary>The leader key's create revision is the fence.</summary>
    public async Task<long?> TryCampaignAsync(long lease, LeaderInfo leader, ulong nextHeight, CancellationToken ct)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(leader);
        var txn = new TxnRequest();
        txn.Compare.Add(CreatedAt(LeaderKey, 0));
        txn.Compare.Add(CreatedAt(BlockKey(nextHeight), 0));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(LeaderKey), Value = ByteString.CopyFrom(value), Lease = lease } });
        var response = await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct);
        return response.Succeeded ? response.Header.Revision : null;
    }

    /// <summary>An unreadable leader value names no leader; its fence still counts.</summary>
    public async Task<(LeaderInfo? Leader, long Fence)?> GetLeaderAsync(CancellationToken ct)
    {
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(new RangeRequest { Key = Bytes(LeaderKey) }, o).ResponseAsync, ct);
        return response.Kvs.Count == 0 ? null : (ParseLeader(response.Kvs[0].Value), response.Kvs[0].CreateRevision);
    }

    public async Task PutMemberAsync(MemberHeartbeat heartbeat, long lease, CancellationToken ct) =>
        await CallAsync((c, o) => c.Kv.PutAsync(new PutRequest
        {
            Key = Bytes(MemberKey(heartbeat.Validator)), Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(heartbeat)), Lease = lease,
        }, o).ResponseAsync, ct);

    /// <summary>An unreadable heartbeat is skipped.</summary>
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

    /// <summary>In one etcd transaction (etcd takes at most 128 operations in one); each value is CBOR <c>[validatorKey, signature]</c>.</summary>
    public async Task PutSignaturesAsync(string validator, IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures, CancellationToken ct)
    {
        var txn = new TxnRequest();
        foreach (var (height, signature) in signatures)
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(SignatureKey(height, validator)), Value = ByteString.CopyFrom(EncodeSignature(signature)) } });
        await CallAsync((c, o) => c.Kv.TxnAsync(txn, o).ResponseAsync, ct);
    }

    /// <summary>An unreadable signature is skipped.</summary>
    public async Task<IReadOnlyList<(ulong Height, BlockSignature Signature)>> ReadSignaturesAsync(ulong from, ulong to, CancellationToken ct)
    {
        var request = new RangeRequest { Key = Bytes($"{Prefix}sigs/{from:D20}/"), RangeEnd = Bytes($"{Prefix}sigs/{to + 1:D20}/") };
        var response = await CallAsync((c, o) => c.Kv.RangeAsync(request, o).ResponseAsync, ct);
        var signatures = new List<(ulong, BlockSignature)>();
        foreach (var kv in response.Kvs)
            if (DecodeSignature(kv.Value) is { } signature) signatures.Add((SignatureHeight(kv.Key), signature));
        return signatures;
    }

    /// <summary>Watches the consortium prefix. The member must have a Raft leader, or the stream ends.</summary>
    public async Task<bool> WatchAsync(long fromRevision, ChannelWriter<LogEvent> sink, CancellationToken ct)
    {
        var endpoint = _endpoints[Volatile.Read(ref _current) % _endpoints.Length];
        var headers = new Metadata { { "hasleader", "true" } };
        try
        {
            if (await TokenAsync(endpoint, ct) is { } token) headers.Add("token", token);
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
                    if (ToLogEvent(e) is { } change) await sink.WriteAsync(change, ct);
            }
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
        }
        catch (RpcException e)
        {
            if (e.StatusCode == StatusCode.Unauthenticated) ForgetToken();
            Rotate(endpoint);
        }
        catch (BlockLogException) { }
        return false;
    }

    /// <summary>A block appended, the leader key set or deleted, a signature published; truncation's deletions and heartbeats are not news.</summary>
    private LogEvent? ToLogEvent(Mvccpb.Event e)
    {
        var key = e.Kv.Key.ToStringUtf8();
        var deleted = e.Type == Mvccpb.Event.Types.EventType.Delete;
        if (key == LeaderKey) return LogEvent.LeaderChanged(deleted ? null : ParseLeader(e.Kv.Value), e.Kv.ModRevision);
        if (deleted) return null;
        if (key.StartsWith(Prefix + "blocks/", StringComparison.Ordinal)) return LogEvent.Appended(HeightOf(e.Kv.Key), e.Kv.Value.ToByteArray(), e.Kv.ModRevision);
        if (key.StartsWith(Prefix + "sigs/", StringComparison.Ordinal) && DecodeSignature(e.Kv.Value) is { } signature)
            return LogEvent.Signed(SignatureHeight(e.Kv.Key), signature, e.Kv.ModRevision);
        return null;
    }

    private async Task<T> CallAsync<T>(Func<Clients, CallOptions, Task<T>> call, CancellationToken ct, TimeSpan? timeout = null)
    {
        RpcException? last = null;
        for (var attempt = 0; attempt < _endpoints.Length * 2; attempt++)
        {
            var endpoint = _endpoints[Volatile.Read(ref _current) % _endpoints.Length];
            var deadline = DateTime.UtcNow + (timeout ?? CallTimeout);
            try
            {
                var token = await TokenAsync(endpoint, ct);
                var options = new CallOptions(token is null ? null : new Metadata { { "token", token } }, deadline, ct);
                return await call(endpoint.Clients, options);
            }
            catch (RpcException e) when (ct.IsCancellationRequested) { throw new OperationCanceledException("the node is stopping", e, ct); }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && _credentials.User is not null)
            {
                // The token expired (etcd's simple tokens lapse after --auth-token-ttl unused) or the member restarted: authenticate again.
                last = e;
                ForgetToken();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted or StatusCode.PermissionDenied)
            {
                throw new BlockLogException($"etcd refused the call: {e.Status.Detail}", e);
            }
            catch (RpcException e)
            {
                last = e;
                Rotate(endpoint);
            }
        }
        throw new BlockLogException($"no etcd member answered ({string.Join(", ", Endpoints)}): {last?.Status.Detail}", last);
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

    private static LeaderInfo? ParseLeader(ByteString value)
    {
        try { return JsonSerializer.Deserialize<LeaderInfo>(value.Span); }
        catch (JsonException) { return null; }
    }

    private static byte[] EncodeSignature(BlockSignature s)
    {
        var w = new CborWriter();
        w.WriteStartArray(2);
        w.WriteByteString(s.ValidatorKey);
        w.WriteByteString(s.Signature);
        w.WriteEndArray();
        return w.Encode();
    }

    private static BlockSignature? DecodeSignature(ByteString bytes)
    {
        try
        {
            var r = new CborReader(bytes.Memory);
            r.ReadStartArray();
            var s = new BlockSignature(r.ReadByteString(), r.ReadByteString());
            r.ReadEndArray();
            return SignatureVerifier.IsValidPublicKey(s.ValidatorKey) ? s : null;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException) { return null; }
    }

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
        _credentials.Dispose();
        _authenticating.Dispose();
    }

    private sealed class Endpoint(string url, EtcdCredentials credentials) : IDisposable
    {
        private Clients? _clients;
        public string Url { get; } = url;

        public Clients Clients => LazyInitializer.EnsureInitialized(ref _clients, () => new Clients(GrpcChannel.ForAddress(Url, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
            HttpHandler = credentials.CreateHandler(),
        })));

        public void Dispose() => _clients?.Channel.Dispose();
    }

    private sealed class Clients(GrpcChannel channel)
    {
        public GrpcChannel Channel { get; } = channel;
        public KV.KVClient Kv { get; } = new(channel);
        public Lease.LeaseClient Lease { get; } = new(channel);
        public Watch.WatchClient Watch { get; } = new(channel);
        public Auth.AuthClient Auth { get; } = new(channel);
    }
}

using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using System.Formats.Cbor;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Node.Consortium;

/// <summary>Forwards a batch to the leader's <c>POST /v1/consortium/forward</c> (a CBOR array of envelopes).</summary>
public sealed class HttpLeaderLink(IHttpClientFactory clients, NodeKeys keys, RequestAudience self, ILogger<HttpLeaderLink> logger) : ILeaderLink
{
    /// <summary>The named client (short timeouts: a leader that does not answer is asked about again) registered by <see cref="ConsortiumServices.AddConsortiumHttp"/>.</summary>
    public const string ClientName = "consortium-leader";
    public const string Path = "/v1/consortium/forward";

    public async Task<IReadOnlyList<ForwardResult>?> ForwardAsync(LeaderInfo leader, IReadOnlyList<Transaction> txs, CancellationToken ct)
    {
        var writer = new CborWriter();
        writer.WriteStartArray(txs.Count);
        foreach (var tx in txs) writer.WriteByteString(tx.Encode());
        writer.WriteEndArray();
        var body = writer.Encode();
        using var request = new HttpRequestMessage(HttpMethod.Post, leader.Url + Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
        // Only the consortium's nodes forward: the batch is signed with this node's key, for the leader alone.
        if (!AccountId.TryParse(leader.Validator, out var leaderAccount))
        {
            logger.LogWarning("The leader published in the consortium's log has a malformed validator account '{Validator}'; not forwarding", leader.Validator);
            return null;
        }
        var leaderAudience = self with { Node = leaderAccount };
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            RequestSignature.Sign(keys.Validator, leaderAudience, "POST", Path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<ForwardResponse>(ct))?.Results;
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
                logger.LogWarning("Leader {Leader} refuses this node's forwards ({Status}): is this node's key a validator or heartbeating in the consortium's log?", leader.Url, (int)response.StatusCode);
            else logger.LogDebug("Leader {Leader} answered {Status} to a forward", leader.Url, response.StatusCode);
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            logger.LogDebug("Forwarding to {Leader} failed: {Reason}", leader.Url, e.Message);
            return null;
        }
    }
}

/// <summary>The leader's answer to a forwarded batch: one entry per transaction, in order.</summary>
public sealed record ForwardResponse(ForwardResult[] Results);

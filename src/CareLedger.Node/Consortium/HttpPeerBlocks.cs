using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using System.Net.Http.Json;
using System.Text.Json;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Ordering.Consortium;

namespace CareLedger.Node.Consortium;

/// <summary>Fetches a block from another node's <c>GET /v1/blocks/{h}/raw</c>, for a node catching up past the log's tail.</summary>
public sealed class HttpPeerBlocks(IHttpClientFactory clients, NodeKeys keys, RequestAudience self, ILogger<HttpPeerBlocks> logger) : IPeerBlocks
{
    /// <summary>The named client (short connect timeout) registered by <see cref="ConsortiumServices.AddConsortiumHttp"/>.</summary>
    public const string ClientName = "consortium-peers";

    public async Task<Block?> GetAsync(string peerUrl, string peerValidator, ulong height, CancellationToken ct)
    {
        var http = clients.CreateClient(ClientName);
        try
        {
            // Raw blocks are for the consortium's nodes: the request is signed with this node's key, for that peer alone.
            var path = $"/v1/blocks/{height}/raw";
            using var request = new HttpRequestMessage(HttpMethod.Get, peerUrl.TrimEnd('/') + path);
            var peer = self with { Node = AccountId.Parse(peerValidator) };
            request.Headers.TryAddWithoutValidation(RequestSignature.Header,
                RequestSignature.Sign(keys.Validator, peer, "GET", path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), []));
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                // Not a passing failure: this node is not recognised as a consortium node there, and will not catch up from it.
                logger.LogWarning("Peer {Peer} refuses this node its blocks ({Status}): {Detail}", peerUrl, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                return null;
            }
            response.EnsureSuccessStatusCode();
            var raw = await response.Content.ReadFromJsonAsync<RawBlockDto>(ct);
            if (raw is null) return null;
            var block = Block.Decode(Convert.FromBase64String(raw.Header), Convert.FromBase64String(raw.Body));
            // Signatures the peer gathered after storing the block; catch-up counts only those that verify.
            var gathered = raw.Signatures?.Select(s => new BlockSignature(Convert.FromBase64String(s.PublicKey), Convert.FromBase64String(s.Signature))) ?? [];
            return block with { Signatures = [.. block.Signatures, .. gathered] };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or FormatException && !ct.IsCancellationRequested)
        {
            logger.LogDebug("Peer {Peer} could not give block {Height}: {Reason}", peerUrl, height, e.Message);
            return null;
        }
    }
}

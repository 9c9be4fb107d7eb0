using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// A signed request names the chain and the node it is for, so it cannot be replayed elsewhere within its five
/// minutes: node A serves it, node B of the same chain (another in-process node with its own key) refuses it, and so
/// does A when it was signed for another chain.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class RequestAudienceTests(DemoNodeFixture demo)
{
    private const string RawBlock = "/v1/blocks/1/raw";

    [Fact]
    public async Task SignedRequest_ForNodeA_IsServedByA()
    {
        using var response = await SendAsync(demo.Node, Signed(demo.Audience));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SignedRequest_ForNodeA_IsRefusedByNodeBOfTheSameChain()
    {
        await using var nodeB = await InProcessNode.StartAsync();
        Assert.Equal(demo.Audience.ChainId, nodeB.Audience.ChainId);

        using var response = await SendAsync(nodeB, Signed(demo.Audience));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"The request signature does not verify for chain {nodeB.Audience.ChainId} and node {nodeB.Audience.Node} (GET /v1/chain names both).",
            await DetailAsync(response));
    }

    [Fact]
    public async Task SignedRequest_ForAnotherChain_IsRefused()
    {
        using var response = await SendAsync(demo.Node, Signed(demo.Audience with { ChainId = "another-chain" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("does not verify for chain careledger-demo", await DetailAsync(response));
    }

    /// <summary>The demo auditor's request for a raw block (overseers only), signed for <paramref name="audience"/>.</summary>
    private string Signed(RequestAudience audience) =>
        RequestSignature.Sign(demo.Keys["health-auditor"], audience, "GET", RawBlock, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), []);

    private static async Task<HttpResponseMessage> SendAsync(InProcessNode node, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RawBlock.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(RequestSignature.Header, signature);
        return await node.Client.Http.SendAsync(request);
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())?["detail"]?.GetValue<string>();
}

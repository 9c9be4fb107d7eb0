using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Consortium;
using CareLedger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CareLedger.Node.Tests.Consortium;

/// <summary>What a node catching up past the log's tail gets from a peer's <c>GET /v1/blocks/{h}/raw</c>.</summary>
public sealed class PeerBlocksTests
{
    [Fact]
    public async Task RawBlock_SignaturesGatheredAfterStoring_ReachTheSigningPeerWithTheStoredBlock()
    {
        await using var node = await InProcessNode.StartAsync();
        using var other = SigningKey.Generate();
        var stored = (await node.Store.GetBlockAsync(1, default))!;
        await node.Store.AddSignaturesAsync(1, [new BlockSignature(other.PublicKey, other.Sign(stored.Hash))], default);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var peers = new HttpPeerBlocks(services.GetRequiredService<IHttpClientFactory>(), node.Keys, node.Audience, NullLogger<HttpPeerBlocks>.Instance);

        var raw = await node.Client.As(node.Keys.Validator).GetRawBlockAsync(1);
        var fetched = await peers.GetAsync(node.BaseAddress.ToString(), node.Keys.Account.ToString(), 1, default);

        Assert.Single(Block.Decode(Convert.FromBase64String(raw.Header), Convert.FromBase64String(raw.Body)).Signatures);
        Assert.NotNull(fetched);
        Assert.Equal(stored.Hash, fetched.Hash);
        Assert.Equal(2, fetched.SignedBy(new HashSet<AccountId> { node.Keys.Account, other.Account }));
    }
}

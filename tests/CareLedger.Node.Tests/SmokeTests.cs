using CareLedger.Testing;

namespace CareLedger.Node.Tests;

public class SmokeTests
{
    [Fact]
    public async Task DemoNode_OnFirstStart_HasSeededLicenceAndFunds()
    {
        await using var node = await InProcessNode.StartAsync();
        var chain = await node.Client.GetChainAsync();
        Assert.Equal("careledger-demo", chain.ChainId);
        Assert.True(chain.Height >= 2);
    }

    [Fact]
    public async Task NodeProcess_StartsAndAnswers()
    {
        using var dir = new TempFolder();
        using var node = new NodeProcess(dir.Path);
        await node.StartAsync();
        var chain = await node.Client.GetChainAsync();
        Assert.Equal("careledger-demo", chain.ChainId);
    }
}

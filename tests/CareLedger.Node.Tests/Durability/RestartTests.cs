using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Client.Tokens;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Durability;

[Collection(NodeProcessCollection.Name)]
public sealed class RestartTests
{
    [Fact]
    public async Task Node_StoppedGracefullyAndStarted_ResumesAtTheSameHeightAndState_AndRebuildsWalletHistoryFromItsBlocks()
    {
        using var dir = new TempFolder();
        using var node = new NodeProcess(dir.Path);
        await node.StartAsync();
        await node.Client.WaitUntilIdleAsync();
        using var keys = new DemoKeys(dir.Path);
        var patient = keys["patient-jones"];
        var doctor = keys["dr-rivera"].Account;
        for (var i = 0; i < 3; i++)
        {
            var nonce = (await node.Client.GetAccountAsync(patient.Account)).LastNonce + 1;
            Assert.True((await node.Client.SubmitAsync(new TxDraft(patient, "careledger-demo", nonce).Transfer(doctor, 5).Sign(), wait: true)).Receipt!.Valid);
        }
        var before = await node.Client.GetChainAsync();
        var balanceBefore = await BalanceAsync(node.Client.As(keys["health-auditor"]), doctor.ToString());

        node.Stop();
        Assert.False(node.IsRunning);
        await node.StartAsync();

        var after = await node.Client.GetChainAsync();
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.HeadHash, after.HeadHash);
        Assert.Equal(before.StateRoot, after.StateRoot);
        Assert.Equal(15, balanceBefore);
        Assert.Equal(balanceBefore, await BalanceAsync(node.Client.As(keys["health-auditor"]), doctor.ToString()));
        var next = (await node.Client.GetAccountAsync(patient.Account)).LastNonce + 1;
        var receipt = (await node.Client.SubmitAsync(new TxDraft(patient, "careledger-demo", next).Transfer(doctor, 5).Sign(), wait: true)).Receipt!;
        Assert.True(receipt.Valid, receipt.Reason);
        Assert.Equal(before.Height + 1, receipt.Height);
        // The wallet history is no world state: the restarted node read it back from the stored blocks, then followed the new one.
        var history = await new TokensClient(node.Client.As(keys["dr-rivera"])).TransfersAsync(doctor);
        Assert.Equal(4, history.Count(t => t.From == patient.Account && t.To == doctor && t.Amount == 5));
        Assert.Equal(receipt.TxId, history[^1].Transaction);
    }

    private static async Task<long> BalanceAsync(NodeClient client, string account)
    {
        // Raw state, read as an auditor: the stored entry itself, not a query's reading of it.
        var entry = await client.GetStateAsync($"tokens/balance/CARE/{account}");
        return entry.Value!["amount"]!.GetValue<long>();
    }
}

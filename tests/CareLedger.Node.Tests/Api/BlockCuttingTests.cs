using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// How a single node cuts its blocks (BatchLinger): with a 3 s linger, a transaction that comes 300 ms after another
/// shares its block only if blocks wait out the linger; by default a block is cut once it holds as many transactions as
/// the previous block, here one.
/// </summary>
public sealed class BlockCuttingTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task SecondTransactionInsideTheLinger_SharesTheBlockOnlyWhenBlocksWaitOutTheLinger(bool cutEarly, bool sameBlock)
    {
        using var data = new TempFolder();
        // Seed the demo with default settings first: with a 3 s linger and no early cut, seeding would take minutes.
        await using (var seeding = await InProcessNode.StartAsync("--data", data.Path))
            await seeding.Client.WaitUntilIdleAsync();
        await using var node = await InProcessNode.StartAsync("--data", data.Path, "--CareLedger:BlockLingerMs=3000", $"--CareLedger:BlockCutEarly={cutEarly}");
        using var keys = new DemoKeys(data.Path);
        var patient = keys["patient-jones"].Account;

        async Task<ulong> CommitTransferAsync(string sender)
        {
            var nonce = (await node.Client.GetAccountAsync(keys[sender].Account)).LastNonce + 1;
            var response = await node.Client.SubmitAsync(new TxDraft(keys[sender], "careledger-demo", nonce).Transfer(patient, 1).Sign(), wait: true);
            Assert.Equal("committed", response.Status);
            return response.Receipt!.Height!.Value;
        }

        await CommitTransferAsync("lab-admin"); // a block of one: the previous block's count
        var first = CommitTransferAsync("board-admin");
        await Task.Delay(300);
        var second = CommitTransferAsync("clinic-admin");

        Assert.Equal(sameBlock, await first == await second);
    }
}

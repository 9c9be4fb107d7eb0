using System.Net;
using System.Net.Http.Json;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Hosting;

public sealed class DemoSeedTests
{
    [Fact]
    public async Task DemoNode_ClientsFillThePoolWhileItSeeds_KeepsRunning()
    {
        // A fresh demo node seeds itself one transaction after another (200 ms blocks here, so the
        // seeding lasts a couple of seconds). Clients arriving meanwhile may hold the only pool slot
        // when the seed submits its next step; the node must ride that out, not shut itself down.
        await using var node = await InProcessNode.StartAsync("--CareLedger:PoolCapacity=1", "--CareLedger:BlockLingerMs=200", "--CareLedger:BlockCutEarly=false");
        using var keys = new DemoKeys(node.DataDir);
        var lab = keys["lab-admin"];
        var patient = keys["patient-jones"].Account;

        var until = DateTime.UtcNow.AddSeconds(3);
        for (ulong nonce = 1000; DateTime.UtcNow < until; nonce++)
        {
            var body = Convert.ToBase64String(new TxDraft(lab, "careledger-demo", nonce).Transfer(patient, 1).Sign().Encode());
            try { using var _ = await node.Client.Http.PostAsJsonAsync("v1/transactions", new { transaction = body }); }
            catch (HttpRequestException) { break; }
        }

        Assert.Equal(HttpStatusCode.OK, await ReadyStatusAsync(node));
    }

    private static async Task<HttpStatusCode?> ReadyStatusAsync(InProcessNode node)
    {
        try
        {
            using var ready = await node.Client.Http.GetAsync("ready");
            return ready.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}

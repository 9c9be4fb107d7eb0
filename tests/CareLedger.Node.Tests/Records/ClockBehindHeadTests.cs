using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Records;

/// <summary>
/// Consent is decided at the head block's time when the node's clock trails it (<c>LedgerReader.NotBeforeHead</c>): a
/// grant that expired before the latest block lets nobody in, though the node's clock says it still runs. The node is
/// restarted on its data folder with its clock two minutes behind (the test-only <c>ShiftedClock</c> setting).
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class ClockBehindHeadTests
{
    private const string Observation = """{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"subject":{"reference":"Patient/jones"},"valueQuantity":{"value":64,"unit":"/min"}}""";

    [Fact]
    public async Task Read_WithAGrantThatExpiredBeforeTheHeadBlock_IsRefused_WhileTheNodesClockTrailsTheHead()
    {
        using var dir = new TempFolder();
        using var node = new NodeProcess(dir.Path);
        await node.StartAsync();
        await node.Client.WaitUntilIdleAsync();
        using var keys = new DemoKeys(dir.Path);
        var (patient, doctor) = (keys["patient-jones"], keys["dr-rivera"]);
        var records = new RecordsClient(node.Client);
        var record = (await records.AddAsync(patient, patient.Account, Observation)).Record;
        var expiry = DateTimeOffset.UtcNow.AddSeconds(3);
        var grant = await records.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [record], [], expiry);
        await records.ReadAsync(doctor, record);

        // A block after the expiry: from its time on the grant is over, on every node that holds it.
        while (DateTimeOffset.UtcNow <= expiry.AddMilliseconds(100)) await Task.Delay(100);
        var nonce = (await node.Client.GetAccountAsync(patient.Account)).LastNonce + 1;
        var after = (await node.Client.SubmitAsync(new TxDraft(patient, "careledger-demo", nonce).Transfer(doctor.Account, 1).Sign(), wait: true)).Receipt!;
        Assert.True(after.Valid, after.Reason);
        node.Stop();
        node.Environment["CareLedger__Testing__ClockOffsetMs"] = "-120000";
        await node.StartAsync();

        var refused = await Assert.ThrowsAsync<NodeApiException>(() => records.ReadAsync(doctor, record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains($"grant {grant} expired", refused.Detail);
        var (_, json) = await records.ReadAsync(patient, record);
        Assert.Contains("pulse", json);
    }
}

using System.Formats.Cbor;
using System.Net;
using System.Net.Http.Json;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Demo;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

public sealed class StoreDamageTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    public enum Damage { TransactionBody, TransactionSignature, ValidatorSignature }

    [Fact]
    public async Task StoredBlock_TransactionByteFlipped_NodeHaltsNamingTheBlockAndResyncRestoresIt()
    {
        var all = new[] { 0, 1, 2 };
        var (leader, damaged) = await SettleAfterLoadAsync(60);

        Cluster.Nodes[damaged].Stop();
        var height = FlipByteInStoredBlock(damaged, Damage.TransactionBody);
        var status = await Cluster.StartUntilHaltedOrReadyAsync(damaged, Patience);

        Log($"node {damaged} started as {status.Role}: {status.Halted}");
        Assert.Equal("halted", status.Role);
        Assert.Contains($"block {height}", status.Halted);
        Assert.Contains("ALERT: node halted", Cluster.Nodes[damaged].Output);
        await AssertServesOnlyOperatorsAsync(damaged);

        // The others go on without it, and see it halted.
        var restart = StartLoad();
        restart.Avoid(damaged);
        await restart.WaitForMoreAsync(60, Patience);
        var members = (await Cluster.TryStatusAsync(leader))!.Members;
        Assert.NotNull(members.Single(m => m.Validator == Cluster.ValidatorOf[damaged]).Halted);

        Cluster.Nodes[damaged].Stop();
        await Cluster.StartNodeAsync(damaged, "--resync");
        restart.Allow(damaged);
        await restart.WaitForMoreAsync(30, Patience);
        await restart.StopAsync();

        await Cluster.WaitForSameHeadAsync(all, Patience);
        await ChainAssert.SameChainAsync(Cluster, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, Load.Acknowledged, all);
        ChainAssert.AcknowledgedEverywhere(Cluster, restart.Acknowledged, all);
        var after = await Cluster.TryStatusAsync(damaged);
        Assert.Equal("follower", after?.Role);
        Assert.Null(after?.Halted);
        Assert.NotEmpty(Directory.GetDirectories(Cluster.Nodes[damaged].DataDir, "ledger-aside-*"));
    }

    /// <summary>Bytes the header's transactions root does not cover are damage too: a node must not serve them as its chain.</summary>
    [Theory]
    [InlineData(Damage.TransactionSignature)]
    [InlineData(Damage.ValidatorSignature)]
    public async Task StoredBlock_SignatureByteFlipped_NodeHaltsNamingTheBlock(Damage damage)
    {
        var all = new[] { 0, 1, 2 };
        var (_, damaged) = await SettleAfterLoadAsync(40);

        Cluster.Nodes[damaged].Stop();
        var height = FlipByteInStoredBlock(damaged, damage);
        var status = await Cluster.StartUntilHaltedOrReadyAsync(damaged, Patience);

        Log($"node {damaged} started as {status.Role}: {status.Halted}");
        if (status.Role != "halted")
            Assert.Fail($"node {damaged} serves as {status.Role} with a damaged block {height}: {await ProofVerdictAsync(damaged, height)}");
        Assert.Contains($"block {height}", status.Halted);
        await AssertServesOnlyOperatorsAsync(damaged);
    }

    [Fact]
    public async Task Follower_WithTamperedState_HaltsOnDivergenceWhileOthersGoOn()
    {
        var all = new[] { 0, 1, 2 };
        var (leader, tampered) = await SettleAfterLoadAsync(40);
        var patient = Cluster.Key("patient-jones");

        Cluster.Nodes[tampered].Stop();
        var key = $"{TokensContract.BalancePrefix}{DemoConsortium.Asset}/{patient.Account}";
        using (var conn = Cluster.OpenLedger(tampered))
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "UPDATE state SET value = $v WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", new CborMap { ["amount"] = 1_000_000L }.Encode());
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        await Cluster.StartNodeAsync(tampered);
        var before = (await Cluster.TryHeadAsync(leader))!.Value.Height;

        var nonce = await Cluster.LastNonceAsync(patient.Account, default);
        var touching = ConsortiumCluster.Sign(patient, nonce + 1, "tokens", "transfer", ConsortiumCluster.Transfer(Cluster.Key("dr-rivera").Account, 1));
        var outcome = await Cluster.SubmitAsync(leader, touching);
        Assert.True(outcome.Committed, $"{outcome.Status} {outcome.Body}");
        var height = (await Cluster.Http(leader).GetFromJsonAsync<Ledger.Wire.ReceiptDto>($"v1/transactions/{touching.Id}"))!.Height!.Value;

        await Cluster.WaitUntilAsync(async () => (await Cluster.TryStatusAsync(tampered))?.Role == "halted", Patience, $"node {tampered} to halt");
        var status = (await Cluster.TryStatusAsync(tampered))!;
        Log($"node {tampered} halted: {status.Halted}");
        Assert.Contains("DIVERGENCE", status.Halted);
        Assert.Contains($"block {height}", status.Halted);
        Assert.Equal(height - 1, status.Height);
        Assert.Contains("ALERT: node halted", Cluster.Nodes[tampered].Output);
        await AssertServesOnlyOperatorsAsync(tampered);

        var others = StartLoad();
        others.Avoid(tampered);
        await others.WaitForMoreAsync(60, Patience);
        await others.StopAsync();
        var healthy = all.Where(i => i != tampered).ToList();
        var head = await Cluster.WaitForSameHeadAsync(healthy, Patience);
        Assert.True(head.Height > height, $"the others stopped at {head.Height} (divergent block {height}, before it {before})");
        Assert.Equal(height - 1, (await Cluster.TryStatusAsync(tampered))!.Height);
    }

    /// <summary>What a client checking the node's proof of the block's first transaction is told.</summary>
    private async Task<string> ProofVerdictAsync(int node, int height)
    {
        var block = await Cluster.Http(node).GetFromJsonAsync<Ledger.Wire.BlockDto>($"v1/blocks/{height}");
        var txId = block!.Transactions[0].Id;
        var proof = await Cluster.Http(node).GetFromJsonAsync<Ledger.Wire.ProofDto>($"v1/proofs/{txId}");
        var verdict = Ledger.Wire.WireFormat.FromDto(proof!).Verify(Cluster.Validators, Cluster.Quorum);
        return $"its proof of transaction {txId} in block {height} is {(verdict.Valid ? "valid" : "invalid: " + verdict.Reason)}";
    }

    /// <summary>A halted node answers 503 problem details to everything but health, metrics and consortium status.</summary>
    /// <summary>Runs load until <paramref name="acknowledged"/> more commits, lets every node reach the same head, and picks a follower.</summary>
    private async Task<(int Leader, int Follower)> SettleAfterLoadAsync(int acknowledged)
    {
        var all = new[] { 0, 1, 2 };
        var load = StartLoad();
        await load.WaitForMoreAsync(acknowledged, Patience);
        await load.StopAsync();
        await Cluster.WaitForSameHeadAsync(all, Patience);
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        return (leader, all.First(i => i != leader));
    }

    private async Task AssertServesOnlyOperatorsAsync(int node)
    {
        var http = Cluster.Http(node);
        using (var ready = await http.GetAsync("ready")) Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using (var health = await http.GetAsync("health")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var metrics = await http.GetAsync("metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("careledger_consortium_halted 1", await metrics.Content.ReadAsStringAsync());
        }
        using (var block = await http.GetAsync("v1/blocks/1")) Assert.Equal(HttpStatusCode.ServiceUnavailable, block.StatusCode);
        var tx = ConsortiumCluster.Sign(Cluster.Key("dr-rivera"), 1_000_000, "tokens", "transfer", ConsortiumCluster.Transfer(Cluster.Key("patient-jones").Account, 1));
        var submit = await Cluster.SubmitAsync(node, tx);
        Assert.Equal(503, submit.Status);
        Assert.Equal("application/problem+json", submit.ContentType);
    }

    /// <summary>Flips one bit of one stored block (a middle one holding transactions) in a stopped node's file; returns its height.</summary>
    private int FlipByteInStoredBlock(int node, Damage damage)
    {
        var candidates = Cluster.StoredBlocks(node).Where(b => b.Transactions.Count > 0).ToList();
        var height = (int)candidates[candidates.Count / 2].Height;
        using var conn = Cluster.OpenLedger(node);
        byte[] body;
        using (var read = conn.CreateCommand())
        {
            read.CommandText = "SELECT body FROM blocks WHERE height = $h";
            read.Parameters.AddWithValue("$h", height);
            body = (byte[])read.ExecuteScalar()!;
        }
        var offset = damage switch
        {
            // Definite-length arrays end the body with the last byte of the last validator signature.
            Damage.ValidatorSignature => body.Length - 1,
            _ => FirstTransactionOffset(body, damage),
        };
        body[offset] ^= 0x01;
        using var write = conn.CreateCommand();
        write.CommandText = "UPDATE blocks SET body = $b WHERE height = $h";
        write.Parameters.AddWithValue("$b", body);
        write.Parameters.AddWithValue("$h", height);
        Assert.Equal(1, write.ExecuteNonQuery());
        Log($"flipped a bit at byte {offset} of {body.Length} ({damage}) of node {node}'s block {height}");
        return height;
    }

    /// <summary>In the body [genesis|null, [tx envelopes], [results], [signatures]], a byte inside the first envelope's signed body or its signature (its last byte).</summary>
    private static int FirstTransactionOffset(byte[] body, Damage damage)
    {
        var reader = new CborReader(body, CborConformanceMode.Lax);
        reader.ReadStartArray();
        reader.SkipValue();
        reader.ReadStartArray();
        var envelope = reader.ReadByteString();
        var end = body.Length - reader.BytesRemaining;
        return damage == Damage.TransactionSignature ? end - 1 : end - envelope.Length + envelope.Length / 3;
    }
}

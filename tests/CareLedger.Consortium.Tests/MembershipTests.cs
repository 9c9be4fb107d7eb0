using CareLedger.Node.Demo;
using CareLedger.Client.Records;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Consortium;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// An organisation's node joins the validators by vote, signs blocks while it is one, and stops when voted out;
/// <c>careledger chain verify</c> and <c>proof verify --data</c> follow the votes on every node's data folder.
/// </summary>
public sealed class MembershipTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    [Fact]
    public async Task NewOrganisationsNode_FollowsThenJoinsByVoteAndSigns_ThenLeavesByVote()
    {
        using var folder = new TempFolder();
        var dir = Path.Combine(folder.Path, "insurer-node");
        Directory.CreateDirectory(dir);
        File.Copy(Cluster.GenesisPath, Path.Combine(dir, "genesis.json"));
        using var newcomer = new NodeProcess(dir);
        newcomer.Environment["CareLedger__Consortium__LeaseSeconds"] = "1";
        var etcd = string.Join(",", Enumerable.Range(0, Cluster.Size).Select(Cluster.Etcd.ClientUrl));
        using var http = new HttpClient { BaseAddress = newcomer.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        await Cluster.Etcd.AddNodeUserAsync("insurer-node");

        // Before any vote: it catches up and follows, but neither signs nor counts.
        await newcomer.StartAsync(TimeSpan.FromSeconds(90), ["--etcd", etcd, "--advertise", newcomer.BaseAddress.ToString().TrimEnd('/'), .. Cluster.EtcdTlsArgs("insurer-node")]);
        var key = new KeyStore(Path.Combine(dir, "node")).Show("validator");
        var before = await StatusAsync(http);
        Log($"newcomer {key.Account} follows at height {before.Height}");
        Assert.Equal("follower", before.Role);
        Assert.Equal(2, before.Quorum);
        Assert.Contains(before.Members, m => m.Validator == key.Account.ToString() && m.Role == "observer");

        // The insurer's admin cannot propose (the insurer runs no validator yet); the clinic proposes, the pharmacy approves.
        var refused = await SubmitAsync(0, "insurer-admin", "propose-validator", ProposeArgs(key.PublicKey));
        Assert.False(refused.Valid);
        var proposed = await SubmitAsync(0, "clinic-admin", "propose-validator", ProposeArgs(key.PublicKey));
        Assert.True(proposed.Valid, proposed.Reason);
        var proposal = proposed.Events!.First(e => e.Name == "ValidatorChangeProposed").Attributes!["proposal"]!.GetValue<string>();
        Assert.Equal(3, (await StatusAsync(http)).Members.Count(m => m.Role is "leader" or "follower")); // one vote is not a majority
        var approved = await SubmitAsync(1, "pharmacy-admin", "approve", new CborMap { ["proposal"] = proposal });
        Assert.True(approved.Valid, approved.Reason);
        var joinedAt = approved.Height!.Value;

        // Now four validators, quorum three, and the newcomer signs the blocks after the vote.
        var transfer = await SubmitAsync(2, "patient-jones", "transfer", null);
        Assert.True(transfer.Valid, transfer.Reason);
        await Cluster.WaitUntilAsync(async () => (await StatusAsync(http)) is { Quorum: 3, FinalHeight: var f } && f >= transfer.Height, Patience,
            "the newcomer to count four validators and see the transfer's block final");
        var signed = await http.GetFromJsonAsync<BlockDto>($"v1/blocks/{transfer.Height}");
        Assert.Contains(signed!.Signatures, s => s.Validator == key.Account.ToString());
        Assert.True(transfer.Height > joinedAt);
        var onLeader = await Cluster.Http(0).GetFromJsonAsync<ChainInfoDto>("v1/chain");
        Assert.Contains(key.Account.ToString(), onLeader!.Validators);
        var joinedProof = await ProofVerifiedOnAsync(transfer.TxId, folder.File("joined-proof.json"), Cluster.Nodes[1].DataDir);
        Assert.Contains("of 4 trusted validators signed; 3 needed", joinedProof);

        // Voted out: the lab proposes, the clinic and the pharmacy approve (three of four); later blocks carry no signature of it and quorum is two again.
        var removal = await SubmitAsync(2, "lab-admin", "propose-removal", new CborMap { ["validator"] = key.Account.ToString() });
        Assert.True(removal.Valid, removal.Reason);
        var removalId = removal.Events!.First(e => e.Name == "ValidatorChangeProposed").Attributes!["proposal"]!.GetValue<string>();
        var second = await SubmitAsync(0, "clinic-admin", "approve", new CborMap { ["proposal"] = removalId });
        Assert.True(second.Valid, second.Reason);
        Assert.Equal(3, (await StatusAsync(http)).Quorum); // two of four organisations are not a majority
        var third = await SubmitAsync(1, "pharmacy-admin", "approve", new CborMap { ["proposal"] = removalId });
        Assert.True(third.Valid, third.Reason);
        Assert.Contains(third.Events!, e => e.Name == "ValidatorRemoved");
        var after = await SubmitAsync(1, "patient-jones", "transfer", null);
        Assert.True(after.Valid, after.Reason);
        await Cluster.WaitForHeightAsync(0, after.Height!.Value, Patience);
        await Cluster.WaitUntilAsync(async () => (await StatusAsync(http)).Height >= after.Height, Patience, "the newcomer to apply the block after its removal");
        var unsigned = await http.GetFromJsonAsync<BlockDto>($"v1/blocks/{after.Height}");
        Assert.DoesNotContain(unsigned!.Signatures, s => s.Validator == key.Account.ToString());
        Assert.Equal(2, (await StatusAsync(http)).Quorum);
        Assert.True(newcomer.IsRunning);
        Assert.Empty(await Cluster.ChainDifferencesAsync([0, 1, 2]));

        // Every node's chain, the newcomer's included, verifies from its genesis across the join and the removal.
        await Cluster.WaitUntilAsync(async () => (await StatusAsync(http)).FinalHeight >= after.Height, Patience, "the block after the removal to be final");
        var leftProof = await ProofVerifiedOnAsync(after.TxId, folder.File("left-proof.json"), dir);
        Assert.Contains("of 3 trusted validators signed; 2 needed", leftProof);
        foreach (var data in Cluster.Nodes.Select(n => n.DataDir).Append(dir))
        {
            var (exit, output) = await Careledger.RunAsync("chain", "verify", "--data", data);
            Assert.True(exit == 0, $"chain verify --data {data}: {output}");
            Assert.Contains("verified from its genesis", output);
        }
    }

    /// <summary>Fetches the transaction's final proof with the CLI and verifies it against the validators of its height, replayed from a node's data folder.</summary>
    private async Task<string> ProofVerifiedOnAsync(string txId, string file, string dataDir)
    {
        // A proof is its sender's: the demo patient sent both transfers, and fetches it with their key.
        var (got, fetched) = await Careledger.RunWithPassphraseAsync(DemoConsortium.Passphrase, "proof", "get", txId, "--final", "--node", Cluster.Nodes[0].BaseAddress.ToString(),
            "--out", file, "--as", "patient-jones", "--keystore", Path.Combine(Cluster.Nodes[0].DataDir, DemoConsortium.KeyFolderName));
        Assert.True(got == 0, fetched);
        var (exit, output) = await Careledger.RunAsync("proof", "verify", file, "--data", dataDir);
        Log($"proof verify {txId} --data {dataDir}: {output}");
        Assert.True(exit == 0, output);
        return output;
    }

    private static CborMap ProposeArgs(byte[] key) => new()
    {
        ["organisation"] = "care-insurance", ["key"] = key,
    };

    private async Task<ConsortiumStatus> StatusAsync(HttpClient http)
    {
        using var response = await new NodeClient(http).As(Cluster.Key("clinic-admin")).GetResponseAsync("v1/consortium/status");
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ConsortiumStatus>(System.Text.Json.JsonSerializerOptions.Web))!;
    }

    private async Task<ReceiptDto> SubmitAsync(int node, string sender, string action, CborMap? args)
    {
        var key = Cluster.Key(sender);
        var nonce = await Cluster.LastNonceAsync(key.Account, default) + 1;
        var tx = action == "transfer"
            ? ConsortiumCluster.Sign(key, nonce, "tokens", "transfer", ConsortiumCluster.Transfer(Cluster.Key("dr-rivera").Account, 1))
            : ConsortiumCluster.Sign(key, nonce, "membership", action, args!);
        var outcome = await Cluster.SubmitAsync(node, tx, waitSeconds: 15);
        Assert.True(outcome.Committed, $"{action} by {sender}: {outcome.Status} {outcome.Body}");
        // The receipt's outcome and events are told to its sender.
        using var response = await Cluster.Http(node).SendAsync(await SignedHttp.Get(key, Cluster.Audience(node), $"v1/transactions/{tx.Id}"));
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ReceiptDto>())!;
    }
}

using CareLedger.Client.Api;
using CareLedger.Client.Licensing;
using CareLedger.Client.Membership;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Client.Tokens;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Demo;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// The review's "any pharmacy can verify, dispensed once", across organisations' nodes: the doctor issues at the clinic's
/// node (0); the patient presents it to the pharmacy; its two pharmacists verify it, one through the pharmacy's node (1),
/// one through the laboratory's node (2) — each decrypts the prescription the clinic's node holds — and both submit a
/// dispense of the same fill at the same moment, each to their own node. Exactly one may take effect, on every node.
/// </summary>
public sealed class CrossNodePrescriptionTests(SharedConsortium shared, ITestOutputHelper output) : SharedConsortiumTest(shared, output)
{
    private const string Pharmacy = "corner-pharmacy";
    private const long Price = 20;
    private const long Charge = 15;

    [Fact]
    public async Task Dispense_RacedFromTwoNodes_ExactlyOneCommitsEverywhereAndMoneyIsConserved()
    {
        var nodes = Enumerable.Range(0, Cluster.Size).Select(i => new NodeClient(Cluster.Nodes[i].BaseAddress)).ToList();
        var patient = Cluster.Key("patient-jones");
        var doctor = Cluster.Key("dr-rivera");
        var chen = Cluster.Key("pharmacist-chen");
        var auditor = Cluster.Key("health-auditor");
        using var second = SigningKey.Generate();
        await JoinPharmacyAsync(nodes[1], second);
        await new RecordsClient(nodes[0]).GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [], ["MedicationRequest"], DateTimeOffset.UtcNow.AddDays(30));

        var order = new PrescriptionOrder(patient.Account, new Medication("rxnorm", "29046", "lisinopril 10 mg"), "one tablet daily", 30, 2, TimeSpan.FromDays(30), 1);
        var issued = await new PrescriptionsClient(nodes[0]).IssueAsync(doctor, order, acknowledgeAlerts: true);
        var presented = await new PrescriptionsClient(nodes[0]).PresentAsync(patient, issued.Id, Pharmacy, Price, DemoConsortium.Asset);
        var (head, _) = await Cluster.WaitForSameHeadAsync([0, 1, 2], Patience);
        Log($"issued {issued.Id} and presented at node 0; the nodes agree at {head}");

        // Each pharmacist verifies through their own node: the prescription's ciphertext was written at the clinic's node only.
        var checks = await Task.WhenAll(
            new PrescriptionsClient(nodes[1]).VerifyAsync(chen, issued.Id, presented.Code),
            new PrescriptionsClient(nodes[2]).VerifyAsync(second, issued.Id, presented.Code));
        Assert.All(checks, c => Assert.Equal("lisinopril 10 mg", c.Medication));
        var before = await HoldingsAsync(nodes[0], patient, auditor, issued.Id);

        var racers = new[] { (Node: 1, Key: chen, Check: checks[0]), (Node: 2, Key: second, Check: checks[1]) };
        var chainId = (await nodes[0].GetChainAsync()).ChainId;
        var txs = new List<(int Node, Transaction Tx)>();
        foreach (var (node, key, check) in racers)
        {
            var nonce = (await nodes[node].As(key).GetAccountAsync(key.Account)).LastNonce + 1;
            txs.Add((node, Transaction.Create(key, chainId, nonce, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), "prescriptions", "dispense",
                PrescriptionsClient.DispenseArgs(check, presented.Code, 30, Charge))));
        }
        await Task.WhenAll(txs.Select(t => Task.Run(() => nodes[t.Node].SubmitAsync(t.Tx, wait: true))));

        (head, _) = await Cluster.WaitForSameHeadAsync([0, 1, 2], Patience);
        for (var i = 0; i < Cluster.Size; i++)
        {
            var receipts = await Task.WhenAll(racers.Select((r, k) => nodes[i].As(r.Key).GetReceiptAsync(txs[k].Tx.Id.ToString())));
            Assert.All(receipts, r => Assert.Equal("committed", r.Status));
            var won = Assert.Single(receipts, r => r.Valid == true);
            var lost = Assert.Single(receipts, r => r.Valid == false);
            Assert.Equal("fill 1 was already dispensed", lost.Reason);
            Assert.Contains(won.Events!, e => e.Name == "Dispensed");
            var after = await HoldingsAsync(nodes[i], patient, auditor, issued.Id);
            Log($"node {i} at {head}: {before} -> {after}");
            Assert.Equal(before.Total, after.Total);
            Assert.Equal(before.Till + Charge, after.Till);
            Assert.Equal(before.Patient + Price - Charge, after.Patient);
            Assert.Equal(0, after.Presented);
            var dispensed = await new PrescriptionsClient(nodes[i]).As(patient).GetAsync(issued.Id);
            Assert.Equal(1, dispensed!.Prescription.FillsLeft);
            Assert.Single(dispensed.DispenseLog);
        }
    }

    /// <summary>A second pharmacist joins the pharmacy (before the presentation, so its grant wraps keys for them too); both are licensed.</summary>
    private async Task JoinPharmacyAsync(NodeClient node, SigningKey second)
    {
        await new MembershipClient(node).RegisterAsync(Cluster.Key("pharmacy-admin"), second.Account, "pharmacist");
        await new RecordsClient(node).PublishKeyAsync(second);
        await new LicensingClient(node).IssueAsync(Cluster.Key("board-admin"), second.Account, "pharmacy", "EU-DEMO",
            DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds());
    }

    private sealed record Holdings(long Patient, long Presented, long Till)
    {
        public long Total => Patient + Presented + Till;
    }

    /// <summary>The patient's balance, read as the patient, and the escrows the prescription moves money through, read as an auditor.</summary>
    private static async Task<Holdings> HoldingsAsync(NodeClient node, SigningKey patient, SigningKey auditor, string rxId)
    {
        var escrows = new TokensClient(node.As(auditor));
        return new((await new TokensClient(node.As(patient)).BalanceAsync(DemoConsortium.Asset, patient.Account)).Balance,
            (await escrows.GetEscrowAsync(PrescriptionsContract.ContractName, PrescriptionsContract.PresentedEscrow(rxId)))?.Amount ?? 0,
            (await escrows.GetEscrowAsync(PrescriptionsContract.ContractName, PrescriptionsContract.TillOf(Pharmacy, DemoConsortium.Asset)))?.Amount ?? 0);
    }
}

using System.Net;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// The double-dispense race on a real node process: two licensed pharmacists of the pharmacy a
/// prescription was presented to both verify it, then submit a dispense of the same fill at the same
/// moment. Exactly one may take effect; the other must be a definite rejection on the ledger.
/// </summary>
public sealed class PrescriptionRaceTests : IDisposable
{
    private const string Asset = "CARE";
    private const string Pharmacy = "corner-pharmacy";
    private const long Price = 20;
    private const long Charge = 15;
    private readonly TempFolder _data = new();
    private readonly NodeProcess _node;

    public PrescriptionRaceTests() => _node = new NodeProcess(_data.Path);

    public void Dispose()
    {
        _node.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Dispense_TwoPharmacistsRaceForOneFill_ExactlyOneCommitsValidAndBalancesAreConserved()
    {
        await _node.StartAsync();
        var keys = new KeyStore(Path.Combine(_data.Path, "demo-keys"));
        SigningKey Demo(string name) => keys.Load(name, "demo");
        using var patient = Demo("patient-jones");
        using var doctor = Demo("dr-rivera");
        using var chen = Demo("pharmacist-chen");
        using var second = SigningKey.Generate();
        var client = _node.Client;
        var rx = new PrescriptionsClient(client);
        await JoinPharmacyAsync(client, Demo, chen, second);
        await new RecordsClient(client).GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [], ["MedicationRequest"], DateTimeOffset.UtcNow.AddDays(30));

        for (var round = 1; round <= 3; round++)
        {
            var order = new PrescriptionOrder(patient.Account, new Medication("rxnorm", "29046", "lisinopril 10 mg"), "one tablet daily", 30, 2, TimeSpan.FromDays(30), 1);
            var issued = await rx.IssueAsync(doctor, order, acknowledgeAlerts: true);
            var code = (await rx.PresentAsync(patient, issued.Id, Pharmacy, Price, Asset)).Code;
            var checks = await Task.WhenAll(rx.VerifyAsync(chen, issued.Id, code), rx.VerifyAsync(second, issued.Id, code));
            var before = await HoldingsAsync(client, patient.Account, issued.Id);
            var chainId = (await client.GetChainAsync()).ChainId;
            var txs = new List<Transaction>();
            foreach (var (pharmacist, check) in new[] { (chen, checks[0]), (second, checks[1]) })
            {
                var nonce = (await client.GetAccountAsync(pharmacist.Account)).LastNonce + 1;
                txs.Add(Transaction.Create(pharmacist, chainId, nonce, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), "prescriptions", "dispense",
                    PrescriptionsClient.DispenseArgs(check, code, 30, Charge)));
            }

            var sent = await Task.WhenAll(txs.Select(tx => Task.Run(() => client.SubmitAsync(tx, wait: true))));

            var receipts = await Task.WhenAll(sent.Select(s => client.GetReceiptAsync(s.Id)));
            Assert.All(receipts, r => Assert.Equal("committed", r.Status));
            var won = Assert.Single(receipts, r => r.Valid == true);
            var lost = Assert.Single(receipts, r => r.Valid == false);
            Assert.Equal("fill 1 was already dispensed", lost.Reason);
            Assert.Contains(won.Events!, e => e.Name == "Dispensed");
            Assert.Empty(lost.Events ?? []);
            var after = await HoldingsAsync(client, patient.Account, issued.Id);
            Assert.Equal(before.Total, after.Total);
            Assert.Equal(before.Till + Charge, after.Till);
            Assert.Equal(before.Patient + Price - Charge, after.Patient);
            Assert.Equal(0, after.Presented);
            var dispensed = await rx.GetAsync(issued.Id);
            Assert.Equal(1, dispensed!.FillsLeft);
            Assert.Single(dispensed.DispenseLog!);
        }
    }

    /// <summary>A second pharmacist joins corner-pharmacy (before any presentation, so grants wrap keys for them); both are licensed.</summary>
    private static async Task JoinPharmacyAsync(NodeClient client, Func<string, SigningKey> demo, SigningKey chen, SigningKey second)
    {
        using var admin = demo("pharmacy-admin");
        using var board = demo("board-admin");
        Valid(await client.SendAsync(admin, "membership", "register", new CborMap { ["account"] = second.Account.ToString(), ["role"] = "pharmacist" }));
        Valid(await client.SendAsync(second, "records", "publish-key", new CborMap()));
        foreach (var pharmacist in new[] { chen, second })
            Valid(await client.SendAsync(board, "licensing", "issue", new CborMap
            {
                ["practitioner"] = pharmacist.Account.ToString(), ["specialty"] = "pharmacy", ["jurisdiction"] = "EU-DEMO",
                ["validFrom"] = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds(), ["validUntil"] = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds(),
            }));
    }

    private static void Valid(SubmitResponse sent) => Assert.True(sent.Receipt?.Valid == true, $"{sent.Id}: {sent.Receipt?.Reason}");

    private sealed record Holdings(long Patient, long Presented, long Till)
    {
        public long Total => Patient + Presented + Till;
    }

    private static async Task<Holdings> HoldingsAsync(NodeClient client, AccountId patient, string rxId) => new(
        (await client.QueryAsync("tokens", "balance", new CborMap { ["asset"] = Asset, ["account"] = patient.ToString() }))["balance"]!.GetValue<long>(),
        await EscrowAsync(client, TokenEscrow.Key(PrescriptionsContract.ContractName, PrescriptionsContract.PresentedEscrow(rxId))),
        await EscrowAsync(client, TokenEscrow.Key(PrescriptionsContract.ContractName, PrescriptionsContract.TillOf(Pharmacy, Asset))));

    private static async Task<long> EscrowAsync(NodeClient client, string key)
    {
        try { return (await client.GetStateAsync(key)).Value!["amount"]!.GetValue<long>(); }
        catch (NodeApiException e) when (e.Status == HttpStatusCode.NotFound) { return 0; }
    }
}

using CareLedger.Client.Api;
using CareLedger.Client.Licensing;
using CareLedger.Client.Membership;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Client.Tokens;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Ledger.Cryptography;
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
        using var auditor = Demo("health-auditor");
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
            var before = await HoldingsAsync(client.As(patient), client.As(auditor), patient.Account, issued.Id);
            var chainId = (await client.GetChainAsync()).ChainId;
            var txs = new List<Transaction>();
            foreach (var (pharmacist, check) in new[] { (chen, checks[0]), (second, checks[1]) })
            {
                var nonce = (await client.GetAccountAsync(pharmacist.Account)).LastNonce + 1;
                txs.Add(Transaction.Create(pharmacist, chainId, nonce, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), "prescriptions", "dispense",
                    PrescriptionsClient.DispenseArgs(check, code, 30, Charge)));
            }

            var sent = await Task.WhenAll(txs.Select(tx => Task.Run(() => client.SubmitAsync(tx, wait: true))));

            // A receipt's outcome and events are told to its sender.
            var receipts = await Task.WhenAll(sent.Select((s, i) => client.As(i == 0 ? chen : second).GetReceiptAsync(s.Id)));
            Assert.All(receipts, r => Assert.Equal("committed", r.Status));
            var won = Assert.Single(receipts, r => r.Valid == true);
            var lost = Assert.Single(receipts, r => r.Valid == false);
            Assert.Equal("fill 1 was already dispensed", lost.Reason);
            Assert.Contains(won.Events!, e => e.Name == "Dispensed");
            Assert.Empty(lost.Events ?? []);
            var after = await HoldingsAsync(client.As(patient), client.As(auditor), patient.Account, issued.Id);
            Assert.Equal(before.Total, after.Total);
            Assert.Equal(before.Till + Charge, after.Till);
            Assert.Equal(before.Patient + Price - Charge, after.Patient);
            Assert.Equal(0, after.Presented);
            var dispensed = await rx.As(patient).GetAsync(issued.Id);
            Assert.Equal(1, dispensed!.Prescription.FillsLeft);
            Assert.Single(dispensed.DispenseLog);
        }
    }

    /// <summary>A second pharmacist joins corner-pharmacy (before any presentation, so grants wrap keys for them); both are licensed.</summary>
    private static async Task JoinPharmacyAsync(NodeClient client, Func<string, SigningKey> demo, SigningKey chen, SigningKey second)
    {
        using var admin = demo("pharmacy-admin");
        using var board = demo("board-admin");
        await new MembershipClient(client).RegisterAsync(admin, second.Account, "pharmacist");
        await new RecordsClient(client).PublishKeyAsync(second);
        foreach (var pharmacist in new[] { chen, second })
            await new LicensingClient(client).IssueAsync(board, pharmacist.Account, "pharmacy", "EU-DEMO",
                DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds());
    }

    private sealed record Holdings(long Patient, long Presented, long Till)
    {
        public long Total => Patient + Presented + Till;
    }

    /// <summary>The patient's balance, read as the patient, and the escrows the prescription moves money through, read as an auditor.</summary>
    private static async Task<Holdings> HoldingsAsync(NodeClient asPatient, NodeClient asAuditor, AccountId patient, string rxId)
    {
        var escrows = new TokensClient(asAuditor);
        return new((await new TokensClient(asPatient).BalanceAsync(Asset, patient)).Balance,
            (await escrows.GetEscrowAsync(PrescriptionsContract.ContractName, PrescriptionsContract.PresentedEscrow(rxId)))?.Amount ?? 0,
            (await escrows.GetEscrowAsync(PrescriptionsContract.ContractName, PrescriptionsContract.TillOf(Pharmacy, Asset)))?.Amount ?? 0);
    }
}

using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Hosting;

namespace CareLedger.Node.Demo;

/// <summary>
/// After the demo's genesis: the medical board licenses the demo doctor and pharmacist, the insurer funds the
/// demo patient, everyone publishes a key and the services are set up
/// (<see cref="Services.ServicesDemoSeed"/>), as signed transactions like any other. Each step
/// runs only if its effect is missing.
/// </summary>
public static class DemoSeed
{
    public const long PatientFunds = 1_000;

    public static async Task EnsureAsync(LedgerNode node, ILogger log, CancellationToken ct)
    {
        using var patient = DemoConsortium.LoadKey(node.DataDir, "patient-jones");
        var now = node.Clock.GetUtcNow();

        foreach (var (name, specialty) in new[] { ("dr-rivera", "general-practice"), ("pharmacist-chen", "pharmacy") })
        {
            var account = AccountOf(node, name);
            if (node.Store.Get(LicensingContract.LicencePrefix + account) is not null) continue;
            using var board = DemoConsortium.LoadKey(node.DataDir, "board-admin");
            await SubmitAsync(node, board, "licensing", "issue", new CborMap
            {
                ["practitioner"] = account.ToString(), ["specialty"] = specialty, ["jurisdiction"] = "EU-DEMO",
                ["validFrom"] = node.Genesis.Time, ["validUntil"] = now.AddYears(2).ToUnixTimeMilliseconds(),
            }, ct);
        }
        if (node.Store.Get($"{TokensContract.BalancePrefix}{DemoConsortium.Asset}/{patient.Account}") is null)
        {
            using var insurer = DemoConsortium.LoadKey(node.DataDir, "insurer-admin");
            await SubmitAsync(node, insurer, "tokens", "mint", new CborMap
            {
                ["asset"] = DemoConsortium.Asset, ["to"] = patient.Account.ToString(), ["amount"] = PatientFunds,
            }, ct);
        }
        foreach (var person in DemoConsortium.Participants)
        {
            if (node.Store.Get(Contracts.Records.RecordsContract.KeyPrefix + AccountOf(node, person.KeyName)) is not null) continue;
            using var key = DemoConsortium.LoadKey(node.DataDir, person.KeyName);
            await SubmitAsync(node, key, "records", "publish-key", new CborMap(), ct);
        }
        await Services.ServicesDemoSeed.EnsureAsync(node, (key, contract, action, args, token) => SubmitAsync(node, key, contract, action, args, token), ct);
        log.LogInformation("Demo consortium ready: its keys are in {Folder} (see README for the demo passphrase)",
            Path.Combine(node.DataDir, DemoConsortium.KeyFolderName));
    }

    private static AccountId AccountOf(LedgerNode node, string keyName) =>
        new KeyStore(Path.Combine(node.DataDir, DemoConsortium.KeyFolderName)).Show(keyName).Account;

    private static async Task SubmitAsync(LedgerNode node, SigningKey key, string contract, string action, CborMap args, CancellationToken ct)
    {
        var nonce = ContractRuntime.LastNonce(node.Store, key.Account) + 1;
        var tx = Transaction.Create(key, node.Genesis.ChainId, nonce, node.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds(), contract, action, args);
        var result = node.Pool.Submit(tx);
        if (result.Status != SubmitStatus.Accepted) throw new InvalidOperationException($"demo seed {contract}.{action} refused: {result.Reason}");
        var receipt = await node.Pool.WaitForCommitAsync(tx.Id, ct);
        if (!receipt.Result.Valid) throw new InvalidOperationException($"demo seed {contract}.{action} failed: {receipt.Result.Reason}");
    }
}

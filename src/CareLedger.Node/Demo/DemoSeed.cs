using CareLedger.Node.Records;
using CareLedger.Node.Fhir;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Demo;

/// <summary>
/// After the demo's genesis: the medical board licenses the demo doctor and pharmacist, the insurer funds the
/// demo patient, everyone publishes a key and the services are set up (<see cref="ServicesDemoSeed"/>), as
/// signed transactions like any other. Each step runs only if its effect is missing. In a demo consortium
/// only the node holding the demo keys seeds.
/// </summary>
public sealed class DemoSeed(NodeStart start, LedgerReader ledger, GenesisDocument genesis, LocalTransactions transactions, TimeProvider clock,
    CustodialRecords records, ILogger<DemoSeed> log) : INodeStartup
{
    public const long PatientFunds = 1_000;

    public async Task AfterCatchUpAsync(CancellationToken ct)
    {
        if (!Directory.Exists(Path.Combine(start.DataDir, DemoConsortium.KeyFolderName))) return;
        using var patient = DemoConsortium.LoadKey(start.DataDir, "patient-jones");
        var now = clock.GetUtcNow();

        foreach (var (name, specialty) in new[] { ("dr-rivera", "general-practice"), ("pharmacist-chen", "pharmacy") })
        {
            var account = AccountOf(name);
            if (ledger.State.Contains(Licence.Key(account))) continue;
            using var board = DemoConsortium.LoadKey(start.DataDir, "board-admin");
            await SubmitAsync(board, "licensing", "issue", new CborMap
            {
                ["practitioner"] = account.ToString(), ["specialty"] = specialty, ["jurisdiction"] = "EU-DEMO",
                ["validFrom"] = genesis.Time, ["validUntil"] = now.AddYears(2).ToUnixTimeMilliseconds(),
            }, ct);
        }
        if (TokensContract.Balance(ledger.State, DemoConsortium.Asset, patient.Account) == 0)
        {
            using var insurer = DemoConsortium.LoadKey(start.DataDir, "insurer-admin");
            await SubmitAsync(insurer, "tokens", "mint", new CborMap
            {
                ["asset"] = DemoConsortium.Asset, ["to"] = patient.Account.ToString(), ["amount"] = PatientFunds,
            }, ct);
        }
        foreach (var person in DemoConsortium.Participants)
        {
            if (ledger.State.Contains(PublishedKey.Key(AccountOf(person.KeyName)))) continue;
            using var key = DemoConsortium.LoadKey(start.DataDir, person.KeyName);
            await SubmitAsync(key, "records", "publish-key", new CborMap(), ct);
        }
        await ServicesDemoSeed.EnsureAsync(ledger.State, start.DataDir, now, SubmitAsync, ct);
        await EnsurePatientRecordAsync(patient, ct);
        log.LogInformation("Demo consortium ready: its keys are in {Folder} (see README for the demo passphrase)",
            Path.Combine(start.DataDir, DemoConsortium.KeyFolderName));
    }

    /// <summary>
    /// Who the demo patient is (their name) lives in their own Patient record, encrypted for them and their clinic's node,
    /// never on the ledger (ADR 0011): the patient adds it like any record.
    /// </summary>
    private async Task EnsurePatientRecordAsync(SigningKey patient, CancellationToken ct)
    {
        var state = ledger.State;
        if (RecordLedger.AllIdsOf(state, patient.Account).Any(id => RecordLedger.Find(state, id)?.Type == "Patient")) return;
        var person = DemoConsortium.Participants.Single(p => p.KeyName == "patient-jones");
        var names = person.Name.Split(' ');
        var json = $$"""{"resourceType":"Patient","name":[{"family":"{{names[^1]}}","given":["{{names[0]}}"]}]}""";
        var added = await records.AddAsync(new Custodian(person.KeyName, patient, ledger.FindMember(patient.Account)!), patient.Account, json, ct);
        if (added.Refusal is { } refused) throw new InvalidOperationException($"demo seed: the patient's own Patient record was refused: {refused}");
    }

    private AccountId AccountOf(string keyName) =>
        new KeyStore(Path.Combine(start.DataDir, DemoConsortium.KeyFolderName)).Show(keyName).Account;

    private async Task SubmitAsync(SigningKey key, string contract, string action, CborMap args, CancellationToken ct)
    {
        var receipt = await transactions.SubmitAndWaitAsync(key, contract, action, args, ct);
        if (!receipt.Result.Valid) throw new InvalidOperationException($"demo seed {contract}.{action} failed: {receipt.Result.Reason}");
    }
}

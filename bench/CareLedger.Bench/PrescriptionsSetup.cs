using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// What the prescriptions scenario needs before the clock starts, as signed transactions through the
/// pool: prescribers registered by the clinic and pharmacists by the demo pharmacy (the demo
/// consortium has one; its organisations are fixed at genesis), all licensed, and every patient's
/// treatment grant for MedicationRequests to the clinic, which is the care relationship issue needs.
/// </summary>
public sealed class PrescriptionsSetup : IDisposable
{
    public const string Pharmacy = "corner-pharmacy";

    private PrescriptionsSetup(IReadOnlyList<SigningKey> prescribers, IReadOnlyList<SigningKey> pharmacists)
    {
        Prescribers = prescribers;
        Pharmacists = pharmacists;
    }

    public IReadOnlyList<SigningKey> Prescribers { get; }
    public IReadOnlyList<SigningKey> Pharmacists { get; }

    public static async Task<PrescriptionsSetup> CreateAsync(BenchLedger node, Population population, int prescribers, int pharmacists, CancellationToken ct)
    {
        var setup = new PrescriptionsSetup(Population.Generate(prescribers), Population.Generate(pharmacists));
        using var clinic = DemoConsortium.LoadKey(node.DataDir, "clinic-admin");
        using var pharmacy = DemoConsortium.LoadKey(node.DataDir, "pharmacy-admin");
        using var board = DemoConsortium.LoadKey(node.DataDir, "board-admin");
        var nonces = new NonceBook(node.Store);
        var now = node.Clock.GetUtcNow();
        var expiry = now.AddHours(1).ToUnixTimeMilliseconds();
        Transaction Sign(SigningKey sender, string contract, string action, CborMap args) =>
            Transaction.Create(sender, node.Genesis.ChainId, nonces.Next(sender.Account), expiry, contract, action, args);
        Transaction Register(SigningKey admin, SigningKey member, string role) =>
            Sign(admin, "membership", "register", new CborMap { ["account"] = member.Account.ToString(), ["role"] = role });

        await Population.CommitAllAsync(node.Pool, setup.Prescribers.Select(p => Register(clinic, p, Roles.Practitioner))
            .Concat(setup.Pharmacists.Select(p => Register(pharmacy, p, Roles.Pharmacist))), ct);
        var licences = setup.Prescribers.Concat(setup.Pharmacists).Select(p => Sign(board, "licensing", "issue", new CborMap
        {
            ["practitioner"] = p.Account.ToString(), ["specialty"] = "general-practice", ["jurisdiction"] = "EU-BENCH",
            ["validFrom"] = now.AddDays(-1).ToUnixTimeMilliseconds(), ["validUntil"] = now.AddYears(1).ToUnixTimeMilliseconds(),
        }));
        var grants = population.Patients.Select(p => Sign(p, "records", "grant", new CborMap
        {
            ["grant"] = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), ["granteeOrg"] = "city-clinic", ["purpose"] = "treatment",
            ["types"] = new List<object> { "MedicationRequest" }, ["expiry"] = now.AddDays(1).ToUnixTimeMilliseconds(),
        }));
        await Population.CommitAllAsync(node.Pool, licences.Concat(grants), ct);
        return setup;
    }



    public void Dispose()
    {
        foreach (var key in Prescribers.Concat(Pharmacists)) key.Dispose();
    }
}

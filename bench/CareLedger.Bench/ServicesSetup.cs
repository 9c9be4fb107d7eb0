using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// What the services scenario needs before the clock starts, all as signed transactions through the
/// pool: practitioners registered by the clinic, licensed, each with a profile and
/// <see cref="SlotsPerPractitioner"/> five-minute slots starting 3 to 13 minutes ahead (so every
/// consultation may start at once), and every patient's treatment grant for Encounters to the clinic.
/// </summary>
public sealed class ServicesSetup : IDisposable
{
    public const int SlotsPerPractitioner = 3;
    public const long Price = 50;
    private const long Minute = 60_000;

    private ServicesSetup(IReadOnlyList<SigningKey> practitioners, long[] slotStarts)
    {
        Practitioners = practitioners;
        SlotStarts = slotStarts;
    }

    public IReadOnlyList<SigningKey> Practitioners { get; }

    /// <summary>The same starts for every practitioner.</summary>
    public long[] SlotStarts { get; }

    public static async Task<ServicesSetup> CreateAsync(BenchLedger node, Population population, int practitionerCount, CancellationToken ct)
    {
        var practitioners = Population.Generate(practitionerCount);
        using var clinic = DemoConsortium.LoadKey(node.DataDir, "clinic-admin");
        using var board = DemoConsortium.LoadKey(node.DataDir, "board-admin");
        var nonces = new NonceBook(node.Store);
        var now = node.Clock.GetUtcNow();
        var expiry = now.AddHours(1).ToUnixTimeMilliseconds();
        Transaction Sign(SigningKey sender, string contract, string action, CborMap args) =>
            Transaction.Create(sender, node.Genesis.ChainId, nonces.Next(sender.Account), expiry, contract, action, args);

        await Population.CommitAllAsync(node.Pool, practitioners.Select(p => Sign(clinic, "membership", "register", new CborMap
        {
            ["account"] = p.Account.ToString(), ["role"] = Roles.Practitioner,
        })), ct);
        await Population.CommitAllAsync(node.Pool, practitioners.Select(p => Sign(board, "licensing", "issue", new CborMap
        {
            ["practitioner"] = p.Account.ToString(), ["specialty"] = "general-practice", ["jurisdiction"] = "EU-BENCH",
            ["validFrom"] = now.AddDays(-1).ToUnixTimeMilliseconds(), ["validUntil"] = now.AddYears(1).ToUnixTimeMilliseconds(),
        })), ct);
        var profiles = practitioners.Select(p => Sign(p, "services", "publish-profile", new CborMap
        {
            ["languages"] = new List<object> { "en" }, ["modes"] = new List<object> { "video" }, ["price"] = Price, ["asset"] = DemoConsortium.Asset,
        }));
        var grants = population.Patients.Select(p => Sign(p, "records", "grant", new CborMap
        {
            ["grant"] = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), ["granteeOrg"] = "city-clinic", ["purpose"] = "treatment",
            ["types"] = new List<object> { "Encounter" }, ["expiry"] = now.AddDays(1).ToUnixTimeMilliseconds(),
        }));
        await Population.CommitAllAsync(node.Pool, profiles.Concat(grants), ct);

        var first = (node.Clock.GetUtcNow().ToUnixTimeMilliseconds() / Minute + 3) * Minute;
        var starts = Enumerable.Range(0, SlotsPerPractitioner).Select(i => first + i * 5 * Minute).ToArray();
        await Population.CommitAllAsync(node.Pool, practitioners.Select(p => Sign(p, "services", "add-slots", new CborMap
        {
            ["starts"] = starts.Cast<object>().ToList(), ["minutes"] = 5L,
        })), ct);
        return new ServicesSetup(practitioners, starts);
    }


    public void Dispose()
    {
        foreach (var key in Practitioners) key.Dispose();
    }
}

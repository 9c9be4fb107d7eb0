using CareLedger.Contracts;
using System.Diagnostics;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// End-to-end prescriptions through the pool: each client runs chains of add the MedicationRequest
/// record → issue → present (price locked) → dispense the whole fill (charge to the till, rest
/// refunded), one step at a time, each waiting for its commit, with the prescribers, patients and
/// pharmacists it alone signs for. Ledger work only: the client-side encryption, vault upload and
/// treatment support of <c>PrescriptionsClient</c> are not in the loop.
/// </summary>
public static class PrescriptionsScenario
{
    public const int StepsPerChain = 4;
    public const int PrescribersPerClient = 2;
    public const int PharmacistsPerClient = 2;
    private const string ContentHash = "8f06336a9d108797448631a4213592a8a85f88a06303b9dadb5c4013b2e622b6";
    private const long Quantity = 30;
    private const long Price = 20;
    private const long Charge = 15;

    /// <summary>Chains per client for the run to last at <paramref name="maxStepsPerSecond"/>.</summary>
    public static int ChainsPerClient(int maxStepsPerSecond, int seconds, int clients) =>
        (int)Math.Ceiling((double)maxStepsPerSecond / StepsPerChain * seconds / clients) + 1;

    public static Task<ChainLoop.Figures> RunAsync(BenchLedger node, Population population, PrescriptionsSetup setup, int clients, int chainsPerClient,
        TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var signing = Stopwatch.StartNew();
        var nonces = new NonceBook(node.Store);
        var expiry = node.Clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        var rxExpiry = node.Clock.GetUtcNow().AddDays(30).ToUnixTimeMilliseconds();
        var plans = new Transaction[clients][][];
        Parallel.For(0, clients, c => plans[c] = Plan(node.Genesis.ChainId, expiry, rxExpiry, nonces, population, setup, c, clients, chainsPerClient));
        Console.WriteLine($"prescriptions: pre-signed {plans.Sum(p => p.Length):N0} chains of {StepsPerChain} steps in {signing.Elapsed.TotalSeconds:F1} s; " +
                          $"running {warmup.TotalSeconds} + {duration.TotalSeconds} s...");
        return ChainLoop.RunAsync(node.Pool, plans, warmup, duration, ct);
    }

    /// <summary>Client c's chains: its prescribers, patients and pharmacists in turn.</summary>
    private static Transaction[][] Plan(string chainId, long expiry, long rxExpiry, NonceBook nonces, Population population, PrescriptionsSetup setup,
        int client, int clients, int count)
    {
        SigningKey[] Mine(IReadOnlyList<SigningKey> all) => all.Where((_, i) => i % clients == client).ToArray();
        var (prescribers, patients, pharmacists) = (Mine(setup.Prescribers), Mine(population.Patients), Mine(setup.Pharmacists));
        Transaction Sign(SigningKey sender, string contract, string action, CborMap args) =>
            Transaction.Create(sender, chainId, nonces.Next(sender.Account), expiry, contract, action, args);
        var chains = new Transaction[count][];
        for (var n = 0; n < count; n++)
        {
            var (prescriber, patient, pharmacist) = (prescribers[n % prescribers.Length], patients[n % patients.Length], pharmacists[n % pharmacists.Length]);
            var rx = $"rx-c{client}-{n}";
            var record = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var code = $"code-{n}";
            chains[n] =
            [
                Sign(prescriber, "records", "add", new CborMap
                {
                    ["record"] = record, ["patient"] = patient.Account.ToString(), ["type"] = "MedicationRequest", ["contentHash"] = ContentHash, ["keysHash"] = ContentHash,
                }),
                Sign(prescriber, "prescriptions", "issue", new CborMap
                {
                    ["prescription"] = rx, ["patient"] = patient.Account.ToString(), ["record"] = record, ["medication"] = SealedCode.Of("rxnorm:29046", record),
                    ["quantity"] = Quantity, ["fills"] = 1L, ["expiry"] = rxExpiry, ["dosesPerDay"] = 1L, ["alerts"] = new List<object>(),
                }),
                Sign(patient, "prescriptions", "present", new CborMap
                {
                    ["prescription"] = rx, ["pharmacy"] = PrescriptionsSetup.Pharmacy, ["codeHash"] = PrescriptionsContract.CodeHash(rx, code).ToString(),
                    ["price"] = Price, ["asset"] = DemoConsortium.Asset,
                }),
                Sign(pharmacist, "prescriptions", "dispense", new CborMap
                {
                    ["prescription"] = rx, ["fill"] = 1L, ["quantity"] = Quantity, ["code"] = code, ["contentHash"] = ContentHash, ["charge"] = Charge,
                }),
            ];
        }
        return chains;
    }

    public static void Print(ChainLoop.Figures f, int prescribers, int pharmacists)
    {
        Console.WriteLine();
        Console.WriteLine($"prescriptions (in-process pool, {f.Clients} clients, {prescribers:N0} prescribers, {pharmacists:N0} pharmacists): " +
                          "one chain = add MedicationRequest record, issue, present, dispense");
        Console.WriteLine($"  issue+dispense        {f.ChainsPerSecond,10:N1} /s   ({f.Chains:N0} prescriptions dispensed in the window)");
        Console.WriteLine($"  steps committed       {f.StepsPerSecond,10:N1} tx/s");
        Console.WriteLine($"  chain latency         p50 {f.ChainP50Ms:N1} ms   p99 {f.ChainP99Ms:N1} ms");
        Console.WriteLine($"  step latency          p50 {f.StepP50Ms:N1} ms   p99 {f.StepP99Ms:N1} ms");
        Console.WriteLine($"  failed steps          {f.FailedSteps}{(f.FirstFailure is null ? "" : $"   first: {f.FirstFailure}")}");
        if (f.ClientsRanOut > 0) Console.WriteLine($"  ! {f.ClientsRanOut} clients ran out of chains before the window closed: raise --max-rate");
    }
}

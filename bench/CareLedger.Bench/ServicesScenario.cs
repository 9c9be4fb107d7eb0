using System.Diagnostics;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// End-to-end consultations through the pool: each client runs chains of book → accept → start →
/// end → add the summary Encounter → complete → acknowledge, one step at a time, each waiting for
/// its commit, on practitioners and patients it alone signs for. A chain is one booking and one
/// completion; the figures are chains per second and the latency of a whole chain and of one step.
/// </summary>
public static class ServicesScenario
{
    public const int StepsPerChain = 7;
    private const string Hash = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";

    public sealed record Figures(int Practitioners, int Clients, double ChainsPerSecond, double StepsPerSecond, double ChainP50Ms, double ChainP99Ms,
        double StepP50Ms, double StepP99Ms, long Chains, long FailedSteps, string? FirstFailure, int ClientsRanOut);

    /// <summary>Enough practitioners for the pre-signed chains to last the run at <paramref name="maxStepsPerSecond"/>.</summary>
    public static int PractitionersFor(int maxStepsPerSecond, int seconds, int clients) =>
        Math.Max(clients, (int)Math.Ceiling((double)maxStepsPerSecond / StepsPerChain * seconds / ServicesSetup.SlotsPerPractitioner));

    public static async Task<Figures> RunAsync(BenchLedger node, Population population, ServicesSetup setup, int clients,
        TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var signing = Stopwatch.StartNew();
        var nonces = new NonceBook(node.Store);
        var expiry = node.Clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        var plans = new Transaction[clients][][];
        Parallel.For(0, clients, c => plans[c] = Plan(node.Genesis.ChainId, expiry, nonces, population, setup, c, clients));
        Console.WriteLine($"services: pre-signed {plans.Sum(p => p.Length):N0} chains of {StepsPerChain} steps in {signing.Elapsed.TotalSeconds:F1} s; " +
                          $"running {warmup.TotalSeconds} + {duration.TotalSeconds} s...");

        var run = await ChainLoop.RunAsync(node.Pool, plans, warmup, duration, ct);
        return new Figures(setup.Practitioners.Count, run.Clients, run.ChainsPerSecond, run.StepsPerSecond, run.ChainP50Ms, run.ChainP99Ms,
            run.StepP50Ms, run.StepP99Ms, run.Chains, run.FailedSteps, run.FirstFailure, run.ClientsRanOut);
    }

    private static Transaction[][] Plan(string chainId, long expiry, NonceBook nonces, Population population, ServicesSetup setup, int client, int clients)
    {
        var practitioners = setup.Practitioners.Where((_, i) => i % clients == client).ToArray();
        var patients = population.Patients.Where((_, i) => i % clients == client).ToArray();
        var chains = new List<Transaction[]>();
        Transaction Sign(SigningKey sender, string contract, string action, CborMap args) =>
            Transaction.Create(sender, chainId, nonces.Next(sender.Account), expiry, contract, action, args);
        foreach (var slot in setup.SlotStarts)
            foreach (var practitioner in practitioners)
            {
                var patient = patients[chains.Count % patients.Length];
                var booking = $"c{client}-{chains.Count}";
                var record = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                CborMap On(params (string Key, object Value)[] extra)
                {
                    var args = new CborMap { ["booking"] = booking };
                    foreach (var (key, value) in extra) args[key] = value;
                    return args;
                }
                chains.Add(
                [
                    Sign(patient, "services", "book", On(("practitioner", practitioner.Account.ToString()), ("start", slot), ("mode", "video"), ("symptoms", Hash))),
                    Sign(practitioner, "services", "accept", On()),
                    Sign(practitioner, "services", "start-consultation", On()),
                    Sign(practitioner, "services", "end-consultation", On()),
                    Sign(practitioner, "records", "add", new CborMap
                    {
                        ["record"] = record, ["patient"] = patient.Account.ToString(), ["type"] = "Encounter", ["contentHash"] = Hash, ["keysHash"] = Hash,
                    }),
                    Sign(practitioner, "services", "complete", On(("summary", record))),
                    Sign(patient, "services", "acknowledge", On()),
                ]);
            }
        return [.. chains];
    }

    public static void Print(Figures f)
    {
        Console.WriteLine();
        Console.WriteLine($"services (in-process pool, {f.Clients} clients, {f.Practitioners:N0} practitioners): one chain = book, accept, start, end, add Encounter, complete, acknowledge");
        Console.WriteLine($"  bookings+completions  {f.ChainsPerSecond,10:N1} /s   ({f.Chains:N0} chains released in the window)");
        Console.WriteLine($"  steps committed       {f.StepsPerSecond,10:N1} tx/s");
        Console.WriteLine($"  chain latency         p50 {f.ChainP50Ms:N1} ms   p99 {f.ChainP99Ms:N1} ms");
        Console.WriteLine($"  step latency          p50 {f.StepP50Ms:N1} ms   p99 {f.StepP99Ms:N1} ms");
        Console.WriteLine($"  failed steps          {f.FailedSteps}{(f.FirstFailure is null ? "" : $"   first: {f.FirstFailure}")}");
        if (f.ClientsRanOut > 0) Console.WriteLine($"  ! {f.ClientsRanOut} clients ran out of chains before the window closed: raise --max-rate");
    }
}

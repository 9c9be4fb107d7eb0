using System.Text.Json.Nodes;

namespace CareLedger.Bench;

/// <summary>Prints the figures: a table for people, then exactly one JSON line for scripts.</summary>
public static class Report
{
    public static void Print(BenchOptions options, VerifyCeiling.Figures verify, int blockMax, int lingerMs, IReadOnlyList<LoadFigures> runs,
        PhaseProfile.Figures? profile)
    {
        Console.WriteLine();
        Console.WriteLine($"CareLedger bench: {verify.Cores} cores, {options.Clients} closed-loop clients, {options.DurationSeconds} s measured " +
                          $"after {options.WarmupSeconds} s warm-up; blocks of at most {blockMax} txs, linger {lingerMs} ms");
        Console.WriteLine($"ECDSA P-256 verify (node's verifier): {verify.SingleThread,9:N0}/s on 1 thread, {verify.AllCores:N0}/s on {verify.Cores} cores");
        Console.WriteLine();
        Console.WriteLine(TableHeader);
        foreach (var r in runs)
        {
            PrintRow(r);
            Console.WriteLine($"{"",-10} process: {r.Usage.CoresBusy:F2} of {verify.Cores} cores busy, {r.CpuMicrosPerTx:F0} us CPU/tx, " +
                              $"{r.AllocatedKBPerTx:F1} KB allocated/tx, GC paused {r.Usage.GcPausePercent:F1}% of the time ({r.Usage.Gen2Collections} gen2); " +
                              $"measured after {r.Warmup.TotalSeconds:F0} s of warm-up{(r.JitSettled ? " (until the JIT settled)" : "")}");
            if (r.ClientsRanOut > 0)
                Console.WriteLine($"  note: {r.ClientsRanOut} clients used up their pre-signed transactions early; raise --max-rate");
        }
        var json = Json(options, verify, blockMax, lingerMs, runs);
        if (profile is not null)
        {
            PrintProfile(profile, verify.Cores);
            foreach (var p in profile.Phases) json[$"phase_{p.Key}_us"] = Round(p.MicrosPerTx, 1);
            json["phase_verify_cold_us"] = Round(profile.ColdVerifyMicros, 1);
            json["phase_empty_block_ms"] = Round(profile.EmptyBlockMillis, 2);
        }
        Console.WriteLine();
        Console.WriteLine(json.ToJsonString());
    }

    public const string TableHeader =
        "scenario     committed/s   p50 ms   p99 ms  mean ms      valid  invalid  rejected  pending  failed  retried   blocks  txs/block  ms/block";

    public static void PrintRow(LoadFigures r) =>
        Console.WriteLine($"{r.Scenario,-10} {r.Tps,13:N0} {r.P50Ms,8:F2} {r.P99Ms,8:F2} {r.MeanMs,8:F2} {r.Valid,10:N0} {r.Invalid,8:N0} " +
                          $"{r.Rejected,9:N0} {r.Pending,8:N0} {r.Failed,7:N0} {r.Retries,8:N0} {r.Blocks.Blocks,8:N0} {r.Blocks.MeanSize,10:F1} {r.Blocks.MeanIntervalMs,9:F2}");

    /// <summary>
    /// The phases per transaction, and the throughput they allow: the orderer's phases run on one
    /// thread, admission runs on every core, and both share the same cores.
    /// </summary>
    private static void PrintProfile(PhaseProfile.Figures profile, int cores)
    {
        double Us(string key) => profile.Phases.Single(p => p.Key == key).MicrosPerTx;
        Console.WriteLine();
        Console.WriteLine($"Node phases, one thread, no contention (blocks of {PhaseProfile.BlockSize}, snapshot of the node's database):");
        foreach (var p in profile.Phases) Console.WriteLine($"  {p.Name,-52} {p.MicrosPerTx,8:F1} us/tx");
        Console.WriteLine($"  {"admission: ECDSA signature, sender key not cached",-52} {profile.ColdVerifyMicros,8:F1} us/tx");
        Console.WriteLine($"  {"fixed cost of a block (empty block: execute + append)",-52} {profile.EmptyBlockMillis,8:F2} ms/block");
        var orderer = Us("execute") + Us("sign_header") + Us("append");
        var admission = Us("admission_state") + Us("verify") + Us("commit_lookup");
        var ceiling = Math.Min(1e6 / orderer, cores * 1e6 / (orderer + admission));
        Console.WriteLine($"  orderer thread {orderer:F1} us/tx (at most {1e6 / orderer:N0} tx/s); admission {admission:F1} us/tx on any core; " +
                          $"together at most {ceiling:N0} tx/s on {cores} cores before HTTP and clients");
    }

    private static JsonObject Json(BenchOptions options, VerifyCeiling.Figures verify, int blockMax, int lingerMs, IReadOnlyList<LoadFigures> runs)
    {
        var json = new JsonObject();
        foreach (var r in runs) AddRun(json, r);
        json["txs"] = runs.Sum(r => r.Committed);
        json["invalid"] = runs.Sum(r => r.Invalid);
        json["cores"] = verify.Cores;
        json["clients"] = options.Clients;
        json["duration_s"] = options.DurationSeconds;
        json["block_max"] = blockMax;
        json["linger_ms"] = lingerMs;
        json["verify_1t_per_s"] = Round(verify.SingleThread, 0);
        json["verify_all_cores_per_s"] = Round(verify.AllCores, 0);
        return json;
    }

    /// <summary>One run's figures as JSON fields named after its scenario.</summary>
    public static void AddRun(JsonObject json, LoadFigures r)
    {
        json[$"{r.Scenario}_tps"] = Round(r.Tps, 0);
        json[$"{r.Scenario}_warmup_s"] = Round(r.Warmup.TotalSeconds, 1);
        json[$"{r.Scenario}_p50_ms"] = Round(r.P50Ms, 2);
        json[$"{r.Scenario}_p99_ms"] = Round(r.P99Ms, 2);
        json[$"{r.Scenario}_valid"] = r.Valid;
        json[$"{r.Scenario}_invalid"] = r.Invalid;
        json[$"{r.Scenario}_rejected"] = r.Rejected;
        json[$"{r.Scenario}_retried"] = r.Retries;
        json[$"{r.Scenario}_txs_per_block"] = Round(r.Blocks.MeanSize, 1);
        json[$"{r.Scenario}_cores_busy"] = Round(r.Usage.CoresBusy, 2);
        json[$"{r.Scenario}_cpu_us_per_tx"] = Round(r.CpuMicrosPerTx, 0);
        json[$"{r.Scenario}_alloc_kb_per_tx"] = Round(r.AllocatedKBPerTx, 1);
        json[$"{r.Scenario}_gc_pause_pct"] = Round(r.Usage.GcPausePercent, 1);
    }

    public static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}

using System.Globalization;

namespace CareLedger.Bench;

/// <summary>
/// The command line. Anything of the form <c>--CareLedger:Name=value</c> is handed to the node,
/// so block size and linger can be varied without a rebuild.
/// </summary>
public sealed record BenchOptions(
    string Scenario,
    int DurationSeconds,
    int WarmupSeconds,
    int Clients,
    int Accounts,
    int MaxRate,
    IReadOnlyList<string> NodeArgs)
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/CareLedger.Bench -- [options] [--CareLedger:Setting=value ...]
          --scenario all|inproc|http|profile|services|prescriptions|records|fhir|consortium|portal|room|chat|peers
                                       which to run (default all): in-process load, HTTP load, and a
                                       single-threaded profile of the node's phases per transaction;
                                       services (only when named) runs end-to-end consultations, its
                                       practitioners sized so its chains last at --max-rate steps/s;
                                       records (only when named) writes 4 KB encrypted FHIR records
                                       and reads them at 500/s through the API; prescriptions (only
                                       when named) runs add record, issue, present, dispense chains;
                                       consortium (only when named) runs the HTTP load against three
                                       node processes and three etcd members, then kills the leader
                                       5 times (needs etcd and `dotnet build -c Release src/CareLedger.Node`);
                                       portal (only when named) loads the web portal cold in Chromium,
                                       then lists a patient's 1,000 records and opens some;
                                       room (only when named) holds 250, 500, 1,000, 2,000 rooms of two on the
                                       node's signalling, then times 20 calls' set-up in Chromium, direct
                                       and through a coturn it starts (if installed)
                                       chat (only when named) has --clients patient/practitioner
                                       pairs exchange encrypted messages through the API and live notices;
                                       peers (only when named) runs the same transfer workload on CareLedger
                                       (in-process and HTTP), PostgreSQL (pgbench) and the EVM dev chains
                                       hardhat and ganache, interleaved, twice, and prints the ratios
          --duration-seconds N         measured time per scenario (default 15)
          --warmup-seconds N           unmeasured load before each measurement (default 5)
          --clients N                  concurrent clients, each waiting for its commit (default 64)
          --accounts N                 funded patient accounts that send transfers (default 2000)
          --max-rate N                 tx/s the pre-signed workload must last at (default 20000)
          --CareLedger:X=Y             node setting, e.g. --CareLedger:BlockMaxTransactions=500 --CareLedger:BlockLingerMs=2
        """;

    public static readonly string[] Scenarios = ["all", "inproc", "http", "profile", "services", "records", "fhir", "prescriptions", "consortium", "portal", "room", "chat", "peers"];

    public bool Runs(string scenario) => Scenario == "all" || Scenario == scenario;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions("all", 15, 5, 64, 2000, 20_000, []);
        var nodeArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--CareLedger:", StringComparison.Ordinal)) { nodeArgs.Add(arg); continue; }
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            options = arg switch
            {
                "--scenario" when Scenarios.Contains(value) => options with { Scenario = value },
                "--duration-seconds" => options with { DurationSeconds = Positive(arg, value) },
                "--warmup-seconds" => options with { WarmupSeconds = Positive(arg, value, allowZero: true) },
                "--clients" => options with { Clients = Positive(arg, value) },
                "--accounts" => options with { Accounts = Positive(arg, value) },
                "--max-rate" => options with { MaxRate = Positive(arg, value) },
                _ => throw new ArgumentException($"unknown option or value: {arg} {value}"),
            };
        }
        if (options.Accounts < options.Clients * 2)
            throw new ArgumentException($"--accounts must be at least twice --clients ({options.Clients * 2}) so every client owns senders");
        return options with { NodeArgs = nodeArgs };
    }

    private static int Positive(string name, string value, bool allowZero = false) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && (n > 0 || allowZero && n == 0)
            ? n
            : throw new ArgumentException($"{name} must be a {(allowZero ? "non-negative" : "positive")} whole number, not '{value}'");
}

using System.Diagnostics;
using CareLedger.Bench;
using CareLedger.Ledger.Transactions;

BenchOptions options;
try { options = BenchOptions.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
var duration = TimeSpan.FromSeconds(options.DurationSeconds);

if (options.Scenario == "portal" && Environment.GetEnvironmentVariable("CARELEDGER_BENCH_PORTAL") is { Length: > 0 } running)
{
    await PortalScenario.PrintColdLoadAsync(new Uri(running));
    return 0;
}

if (options.Scenario == "consortium")
{
    ConsortiumScenario.Print(options, await ConsortiumScenario.RunAsync(options, stop.Token));
    return 0;
}

Console.WriteLine("Measuring ECDSA P-256 verification (1 s on one thread, 1 s on every core)...");
var verify = VerifyCeiling.Measure(TimeSpan.FromSeconds(1));

Console.WriteLine("Starting a node on a fresh data folder...");
await using var node = await BenchNode.StartAsync(options.NodeArgs);
var ledger = node.Ledger;
var clock = Stopwatch.StartNew();
using var population = await Population.CreateAsync(ledger, options.Accounts, options.Clients, stop.Token);
Console.WriteLine($"Registered {population.Patients.Count:N0} patients (funded), {population.Practitioners.Count} practitioners and " +
                  $"{population.Registrars.Count} registrars in {clock.Elapsed.TotalSeconds:F1} s");

if (options.Scenario == "services")
{
    var practitioners = ServicesScenario.PractitionersFor(options.MaxRate, options.WarmupSeconds + options.DurationSeconds, options.Clients);
    clock.Restart();
    using var setup = await ServicesSetup.CreateAsync(ledger, population, practitioners, stop.Token);
    Console.WriteLine($"services: {practitioners:N0} practitioners licensed with profiles and slots, patients' grants given, in {clock.Elapsed.TotalSeconds:F1} s");
    ServicesScenario.Print(await ServicesScenario.RunAsync(ledger, population, setup, options.Clients, warmup, duration, stop.Token));
    return 0;
}

if (options.Scenario == "room")
{
    var practitioners = (RoomCapacity.Steps.Max() + ServicesSetup.SlotsPerPractitioner - 1) / ServicesSetup.SlotsPerPractitioner;
    using var setup = await ServicesSetup.CreateAsync(ledger, population, practitioners, stop.Token);
    Console.WriteLine();
    Console.WriteLine($"room signalling capacity (SignalR load client in this process, no media; {RoomCapacity.Concurrency} joins in flight at most):");
    await RoomCapacity.RunAsync(node, population, setup, stop.Token);
    RoomCallSetup.Print(await RoomCallSetup.RunAsync(options.NodeArgs, stop.Token));
    return 0;
}

if (options.Scenario == "chat")
{
    ChatScenario.Print(await ChatScenario.RunAsync(node, population, options.Clients, warmup, duration, stop.Token));
    return 0;
}

if (options.Scenario == "fhir")
{
    FhirScenario.Print(await FhirScenario.RunAsync(node, readRate: 200, TimeSpan.FromSeconds(options.DurationSeconds), stop.Token));
    return 0;
}

if (options.Scenario == "portal")
{
    PortalScenario.Print(await PortalScenario.RunAsync(node, stop.Token));
    return 0;
}

if (options.Scenario == "records")
{
    RecordsScenario.Print(await RecordsScenario.RunAsync(node, population, readRate: 500, TimeSpan.FromSeconds(options.DurationSeconds), stop.Token));
    return 0;
}

if (options.Scenario == "prescriptions")
{
    clock.Restart();
    var (prescribers, pharmacists) = (options.Clients * PrescriptionsScenario.PrescribersPerClient, options.Clients * PrescriptionsScenario.PharmacistsPerClient);
    using var setup = await PrescriptionsSetup.CreateAsync(ledger, population, prescribers, pharmacists, stop.Token);
    Console.WriteLine($"prescriptions: {prescribers:N0} prescribers and {pharmacists:N0} pharmacists licensed, patients' grants given, in {clock.Elapsed.TotalSeconds:F1} s");
    var chains = PrescriptionsScenario.ChainsPerClient(options.MaxRate, options.WarmupSeconds + options.DurationSeconds, options.Clients);
    PrescriptionsScenario.Print(await PrescriptionsScenario.RunAsync(ledger, population, setup, options.Clients, chains, warmup, duration, stop.Token), prescribers, pharmacists);
    return 0;
}

using var blocks = new BlockLog(ledger.Chain);
if (options.Scenario == "peers")
{
    await PeersScenario.RunAsync(options, verify, rounds: 2, async http => http
        ? await RunScenarioAsync("careledger-http", PeersScenario.HttpRate, plans => new HttpSender([node.BaseAddress], plans), transfersOnly: true)
        : await RunScenarioAsync("careledger-inproc", options.MaxRate, plans => new PoolSender(ledger.Pool, plans), transfersOnly: true), stop.Token);
    return 0;
}
var runs = new List<LoadFigures>();
if (options.Runs("inproc"))
    runs.Add(await RunScenarioAsync("inproc", options.MaxRate, plans => new PoolSender(ledger.Pool, plans)));
if (options.Runs("http"))
{
    // HTTP cannot outrun the same node in-process, so its pre-signed workload can be smaller.
    var ceiling = runs.Count == 0 ? options.MaxRate : (int)Math.Min(options.MaxRate, runs[0].Tps * 1.5 + 1000);
    runs.Add(await RunScenarioAsync("http", ceiling, plans => new HttpSender([node.BaseAddress], plans)));
}
PhaseProfile.Figures? profile = null;
if (options.Runs("profile"))
{
    await WaitForEmptyPoolAsync();
    Console.WriteLine($"profile: timing the node's phases on a snapshot of its database, blocks of {PhaseProfile.BlockSize}...");
    profile = await PhaseProfile.MeasureAsync(ledger, population, stop.Token);
}
Report.Print(options, verify, ledger.Options.BlockMaxTransactions, ledger.Options.BlockLingerMs, runs, profile);
StorageFigures.Measure(node.DataDir)?.Print();
return 0;

async Task<LoadFigures> RunScenarioAsync(string scenario, int rate, Func<Transaction[][], ITransactionSender> senderFor, bool transfersOnly = false)
{
    await WaitForEmptyPoolAsync();
    var started = Stopwatch.StartNew();
    var perClient = (int)Math.Ceiling((double)rate * (options.WarmupSeconds + options.DurationSeconds) / options.Clients);
    var sender = senderFor(Workload.Sign(ledger.Store, ledger.Genesis.ChainId, ledger.Clock.GetUtcNow(), population, options.Clients, perClient, transfersOnly));
    Console.WriteLine($"{scenario}: pre-signed {perClient * (long)options.Clients:N0} transactions in {started.Elapsed.TotalSeconds:F1} s; " +
                      $"running {options.WarmupSeconds} + {options.DurationSeconds} s...");
    GC.Collect();
    try
    {
        return await ClosedLoop.RunAsync(scenario, sender, options.Clients, perClient, warmup, duration, blocks, stop.Token, untilJitSettles: true);
    }
    finally
    {
        (sender as IDisposable)?.Dispose();
    }
}

// Nonces for the next workload are read from committed state, so nothing may still be pending.
async Task WaitForEmptyPoolAsync()
{
    while (ledger.Pool.Count > 0) await Task.Delay(20, stop.Token);
}

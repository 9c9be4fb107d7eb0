using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Testing;
using Npgsql;

namespace CareLedger.Bench;

/// <summary>
/// One workload — a signed transfer between two of the accounts, committed durably, from closed-loop clients — on
/// CareLedger (in-process and over HTTP), on PostgreSQL (pgbench, a plain SQL transfer: what a team would use instead of
/// a ledger) and on two EVM dev chains (hardhat's node, EDR, and ganache, running an ERC-20-like token signed with
/// ethers), interleaved round by round so that the machine's noise hits all alike. What each does and does not include
/// is in bench/CareLedger.Bench/README.md ("peers").
/// </summary>
public static class PeersScenario
{
    /// <summary>The HTTP run's pre-signed workload lasts at this rate (it cannot outrun the in-process one).</summary>
    public const int HttpRate = 10_000;

    private sealed record Figures(string System, double Tps, double P50Ms, double P99Ms, long Committed, long Failed, string? Note);

    /// <summary>
    /// The pre-signed EVM transfers last at these rates: above what each chain reaches here (signing them takes ~1.5 ms each).
    /// hardhat reached the former 1,200/s on 2026-12-07, and every client ran out: its figure was then only a floor.
    /// </summary>
    private static readonly (string Name, int Rate)[] EvmChains = [("hardhat", 2_000), ("ganache", 400)];

    public static async Task RunAsync(BenchOptions options, VerifyCeiling.Figures verify, int rounds, Func<bool, Task<LoadFigures>> careLedger, CancellationToken ct)
    {
        var peers = PeersFolder();
        await EnsureNpmPackagesAsync(peers, ct);
        using var postgres = new PostgresServer();
        var all = new List<Figures>();
        for (var round = 1; round <= rounds; round++)
        {
            // Every other round in reverse, so no system always runs first (on a cooler machine) or last.
            var order = new List<string> { "careledger-inproc", "careledger-http", "postgresql", "hardhat", "ganache" };
            if (round % 2 == 0) order.Reverse();
            foreach (var system in order)
            {
                Console.WriteLine($"peers round {round}: {system}...");
                var figures = system switch
                {
                    "careledger-inproc" => FromLoad(await careLedger(false)),
                    "careledger-http" => FromLoad(await careLedger(true)),
                    "postgresql" => await PgbenchAsync(postgres, options, ct),
                    _ => await EvmAsync(peers, system, options, ct),
                };
                all.Add(figures);
                Console.WriteLine($"  {Row(figures)}");
            }
        }
        Print(options, verify, rounds, all);
    }

    private static Figures FromLoad(LoadFigures r) => new(r.Scenario, r.Tps, r.P50Ms, r.P99Ms, r.Committed, r.Failed + r.Rejected + r.Pending,
        r.ClientsRanOut > 0 ? $"{r.ClientsRanOut} clients ran out; raise --max-rate" : $"after {r.Warmup.TotalSeconds:F0} s of warm-up{(r.JitSettled ? " (until the JIT settled)" : "")}");

    private static string Row(Figures f) =>
        $"{f.System,-18} {f.Tps,10:N0} {f.P50Ms,8:F1} {f.P99Ms,8:F1} {f.Committed,10:N0} {f.Failed,7:N0}{(f.Note is null ? "" : "  " + f.Note)}";

    private static void Print(BenchOptions options, VerifyCeiling.Figures verify, int rounds, IReadOnlyList<Figures> all)
    {
        Console.WriteLine();
        Console.WriteLine($"peers: signed transfers between {options.Accounts:N0} accounts, {options.Clients} closed-loop clients, {options.DurationSeconds} s measured after " +
                          $"{options.WarmupSeconds} s warm-up (CareLedger's: until its JIT settles), {rounds} interleaved rounds, {verify.Cores} cores");
        Console.WriteLine($"ECDSA P-256 verify ceiling (all cores): {verify.AllCores:N0}/s");
        Console.WriteLine($"{"system",-18} {"committed/s",10} {"p50 ms",8} {"p99 ms",8} {"committed",10} {"failed",7}");
        foreach (var f in all) Console.WriteLine(Row(f));

        double Mean(string system) => all.Where(f => f.System == system).Select(f => f.Tps).DefaultIfEmpty(0).Average();
        var (inproc, http, pg, hardhat, ganache) = (Mean("careledger-inproc"), Mean("careledger-http"), Mean("postgresql"), Mean("hardhat"), Mean("ganache"));
        var fastestEvm = Math.Max(hardhat, ganache);
        double Ratio(double a, double b) => b == 0 ? double.NaN : a / b;
        Console.WriteLine();
        Console.WriteLine("means over the rounds, and the issue's goals:");
        Console.WriteLine($"  CareLedger HTTP / PostgreSQL        {Ratio(http, pg),6:F2}x   (goal >= 1.5)");
        Console.WriteLine($"  CareLedger HTTP / fastest EVM chain {Ratio(http, fastestEvm),6:F1}x   (goal >= 20; fastest here: {(hardhat >= ganache ? "hardhat" : "ganache")})");
        Console.WriteLine($"  CareLedger in-process / PostgreSQL  {Ratio(inproc, pg),6:F2}x");
        Console.WriteLine($"  in-process as a share of the verify ceiling {Ratio(inproc, verify.AllCores),5:F2}   (goal >= 0.6)");
        Console.WriteLine($"  HTTP as a share of the verify ceiling       {Ratio(http, verify.AllCores),5:F2}   (goal >= 0.4)");
        var json = new JsonObject { ["scenario"] = "peers", ["rounds"] = rounds, ["clients"] = options.Clients, ["verify_all_cores"] = Math.Round(verify.AllCores) };
        foreach (var (name, value) in new[] { ("careledger_inproc", inproc), ("careledger_http", http), ("postgresql", pg), ("hardhat", hardhat), ("ganache", ganache) })
            json[$"{name}_tps"] = Math.Round(value, 1);
        json["http_over_postgresql"] = Math.Round(Ratio(http, pg), 3);
        json["http_over_fastest_evm"] = Math.Round(Ratio(http, fastestEvm), 2);
        json["inproc_share_of_verify"] = Math.Round(Ratio(inproc, verify.AllCores), 3);
        json["http_share_of_verify"] = Math.Round(Ratio(http, verify.AllCores), 3);
        Console.WriteLine();
        Console.WriteLine(json.ToJsonString());
    }

    /// <summary>
    /// pgbench against a private cluster (fsync and synchronous commit on): each transaction moves an amount between two
    /// of the accounts in one UPDATE (rows locked in key order, so no deadlocks), refused by a CHECK if it would overdraw,
    /// and inserts a log row. A warm-up run first, then the measured one, logging each transaction's latency.
    /// </summary>
    private static async Task<Figures> PgbenchAsync(PostgresServer server, BenchOptions options, CancellationToken ct)
    {
        var database = await server.CreateDatabaseAsync();
        var accounts = options.Accounts;
        await PostgresServer.ExecuteAsync(database, $"""
            CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
            CREATE TABLE transfers (id bigserial PRIMARY KEY, from_id integer NOT NULL, to_id integer NOT NULL, amount bigint NOT NULL, at timestamptz NOT NULL);
            INSERT INTO accounts SELECT i, 1000000000 FROM generate_series(1, {accounts}) AS i;
            """);
        using var folder = new TempFolder();
        var script = Path.Combine(folder.Path, "transfer.sql");
        await File.WriteAllTextAsync(script, $"""
            \set from random(1, {accounts})
            \set to random(1, {accounts - 1})
            \if :to >= :from
            \set to :to + 1
            \endif
            \set amount random(1, 10)
            BEGIN;
            UPDATE accounts SET balance = balance + CASE WHEN id = :from THEN -:amount ELSE :amount END WHERE id IN (:from, :to);
            INSERT INTO transfers (from_id, to_id, amount, at) VALUES (:from, :to, :amount, now());
            END;

            """, ct);
        var connection = new NpgsqlConnectionStringBuilder(database);
        string[] Args(int seconds, bool log) =>
        [
            "-n", "-c", options.Clients.ToString(CultureInfo.InvariantCulture), "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            "-T", seconds.ToString(CultureInfo.InvariantCulture), "--max-tries=10", "-f", script, "-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture),
            "-U", connection.Username!, .. log ? new[] { "--log", "--log-prefix", Path.Combine(folder.Path, "latency") } : [], connection.Database!,
        ];
        if (options.WarmupSeconds > 0) await RunAsync("pgbench", Args(options.WarmupSeconds, log: false), folder.Path, ct);
        var output = await RunAsync("pgbench", Args(options.DurationSeconds, log: true), folder.Path, ct);

        // Each log line: client, transaction number, latency in µs, script, epoch seconds, µs (PostgreSQL's pgbench docs).
        var latencies = Directory.GetFiles(folder.Path, "latency*")
            .SelectMany(File.ReadLines)
            .Select(line => line.Split(' '))
            .Where(f => f.Length >= 3 && long.TryParse(f[2], CultureInfo.InvariantCulture, out _))
            .Select(f => long.Parse(f[2], CultureInfo.InvariantCulture) / 1000.0)
            .Order().ToArray();
        var failed = Value(output, "number of failed transactions: ");
        var tps = Value(output, "tps = ");
        // The books must balance: every transfer moved money between two accounts, none was lost.
        var total = await ScalarAsync(database, "SELECT sum(balance) FROM accounts");
        var note = total == accounts * 1_000_000_000L ? null : $"balances do not add up: {total}";
        return new Figures("postgresql", tps, Percentiles.OfSorted(latencies, 0.50), Percentiles.OfSorted(latencies, 0.99), latencies.Length, (long)failed, note);
    }

    private static double Value(string output, string label)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"pgbench printed no '{label.Trim()}':\n{output}");
        return double.Parse(line[label.Length..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Starts a fresh dev chain, runs bench/peers/evm.mjs against it, and stops the chain.</summary>
    private static async Task<Figures> EvmAsync(string peers, string chain, BenchOptions options, CancellationToken ct)
    {
        var port = LoopbackPort.Free();
        var bin = Path.Combine(peers, "node_modules", ".bin");
        var start = chain == "hardhat"
            ? new ProcessStartInfo(Path.Combine(bin, "hardhat"), ["--config", "hardhat.config.cjs", "node", "--hostname", "127.0.0.1", "--port", $"{port}"])
            : new ProcessStartInfo(Path.Combine(bin, "ganache"), ["--server.host", "127.0.0.1", "--server.port", $"{port}", "--chain.hardfork", "berlin",
                "--miner.defaultGasPrice", "0", "--miner.blockGasLimit", "30000000", "--wallet.totalAccounts", "1", "--logging.quiet"]);
        start.WorkingDirectory = peers;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {chain}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = $"http://127.0.0.1:{port}";
            await WaitForRpcAsync(url, process, chain, ct);
            var rate = EvmChains.Single(c => c.Name == chain).Rate;
            var perClient = (int)Math.Ceiling((double)rate * (options.WarmupSeconds + options.DurationSeconds) / options.Clients);
            var output = await RunAsync("node", ["evm.mjs", url, $"{options.Clients}", $"{options.Accounts}", $"{options.WarmupSeconds}", $"{options.DurationSeconds}", $"{perClient}"], peers, ct);
            var line = output.Split('\n').Last(l => l.StartsWith('{'));
            var result = JsonNode.Parse(line)!;
            var ranOut = result["ranOut"]!.GetValue<int>();
            var note = ranOut > 0 ? $"{ranOut} clients ran out of pre-signed transfers" : null;
            if (result["firstError"]?.GetValue<string>() is { } error) note = (note is null ? "" : note + "; ") + "first error: " + error;
            return new Figures(chain, result["tps"]!.GetValue<double>(), result["p50"]!.GetValue<double>(), result["p99"]!.GetValue<double>(),
                result["committed"]!.GetValue<long>(), result["failed"]!.GetValue<long>(), note);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForRpcAsync(string url, Process process, string chain, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"{chain} exited with {process.ExitCode} before answering");
            try
            {
                using var response = await http.PostAsync(url, new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}""",
                    System.Text.Encoding.UTF8, "application/json"), ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"{chain} did not answer JSON-RPC at {url} within 60 s");
    }

    /// <summary>bench/peers, found from the bench's own folder upwards (its npm packages are installed on first use).</summary>
    private static string PeersFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("bench/peers/package.json not found above " + AppContext.BaseDirectory);
    }

    private static async Task EnsureNpmPackagesAsync(string peers, CancellationToken ct)
    {
        if (Directory.Exists(Path.Combine(peers, "node_modules", "hardhat"))) return;
        Console.WriteLine("peers: installing ganache, hardhat, solc and ethers from bench/peers/package-lock.json (npm ci)...");
        await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], peers, ct);
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> args, string folder, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stderr}\n{await stdout}");
        return await stdout;
    }
}

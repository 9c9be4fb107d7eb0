using CareLedger.Node.Chain;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Consortium;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// Three organisations' nodes and etcd members sharing this machine. Closed-loop HTTP clients
/// (the http scenario's transfers and licences) are spread round-robin over the three nodes; the
/// followers forward to the leader, which orders blocks through etcd. Then the leader is killed
/// under light load, <see cref="ConsortiumFailover.Rounds"/> times.
/// Before the consortium, the same clients and workload run against one solo node process, so the run
/// also gives the CPU a node spends per transaction alone, to compare each consortium node's with.
/// </summary>
public static class ConsortiumScenario
{
    /// <summary>The load's figures, with each node's head and view of the consortium (by node index) right after it.</summary>
    public sealed record Figures(LoadFigures Load, ConsortiumUsage Usage, IReadOnlyList<BlockSummary> Blocks, ChainInfoDto[] Heads,
        ConsortiumStatus?[] Statuses, FailoverFigures Failover, LoadFigures Single, ConsortiumUsage SingleUsage);

    public static async Task<Figures> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var (warmup, duration) = (TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.DurationSeconds));
        var (single, singleUsage) = await SingleNodeAsync(options, warmup, duration, ct);
        Console.WriteLine($"consortium: starting {ConsortiumCluster.Size} etcd members and {ConsortiumCluster.Size} node processes ({NodeProcessBuild()}) on loopback...");
        var clock = Stopwatch.StartNew();
        using var cluster = await ConsortiumCluster.StartAsync(options.NodeArgs, ct);
        Console.WriteLine($"consortium: ready in {clock.Elapsed.TotalSeconds:F1} s in {cluster.Root}; node {await cluster.LeaderAsync(ct) + 1} leads");
        try
        {
            return await RunAsync(cluster, options, warmup, duration, single, singleUsage, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            cluster.PrintNodeOutputs();
            throw;
        }
    }

    /// <summary>The baseline: one solo node process, the same population, clients and workload, no etcd.</summary>
    private static async Task<(LoadFigures, ConsortiumUsage)> SingleNodeAsync(BenchOptions options, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        Console.WriteLine($"single: starting one solo node process ({NodeProcessBuild()}), the baseline for the consortium's per-node cost...");
        using var node = await ConsortiumCluster.StartAsync(options.NodeArgs, ct, solo: true);
        try
        {
            var (load, usage, _, loaded) = await LoadAsync("single", node, options, warmup, duration, ct);
            loaded.Dispose();
            Console.WriteLine($"single: {load.Tps:N0} tx/s, {1e6 * usage.NodeCores.Sum() / Math.Max(1, load.Tps):F0} us CPU per transaction in the node");
            return (load, usage);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            node.PrintNodeOutputs();
            throw;
        }
    }

    private static async Task<Figures> RunAsync(ConsortiumCluster cluster, BenchOptions options, TimeSpan warmup, TimeSpan duration,
        LoadFigures single, ConsortiumUsage singleUsage, CancellationToken ct)
    {
        var (load, usage, blocks, population) = await LoadAsync("consortium", cluster, options, warmup, duration, ct);
        using var _ = population;
        var heads = await cluster.WaitForAgreementAsync(TimeSpan.FromSeconds(60), ct);
        var statuses = await Task.WhenAll(Enumerable.Range(0, cluster.Count).Select(i => cluster.StatusAsync(i, ct)));

        Console.WriteLine($"consortium: {load.Tps:N0} tx/s; now killing the leader {ConsortiumFailover.Rounds} times under light load...");
        var failover = await ConsortiumFailover.RunAsync(cluster, population.Population, population.Nonces, population.ChainId, ct);
        return new Figures(load, usage, blocks, heads, statuses, failover, single, singleUsage);
    }

    /// <summary>What the failover rounds go on with after the load: the population, its nonces and the chain.</summary>
    private sealed record LoadedPopulation(Population Population, NonceBook Nonces, string ChainId) : IDisposable
    {
        public void Dispose() => Population.Dispose();
    }

    /// <summary>Registers the population, pre-signs the workload and runs the closed-loop clients over the cluster's nodes.</summary>
    private static async Task<(LoadFigures, ConsortiumUsage, IReadOnlyList<BlockSummary>, LoadedPopulation)> LoadAsync(string label,
        ConsortiumCluster cluster, BenchOptions options, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var chainId = (await cluster.ChainAsync(0, ct)).ChainId;
        var population = await Population.CreateAsync(cluster.DataDirs[0], chainId, await cluster.DemoNoncesAsync(ct), DateTimeOffset.UtcNow,
            options.Accounts, options.Clients, txs => cluster.CommitInOrderAsync(txs, ct));
        Console.WriteLine($"{label}: registered {population.Patients.Count:N0} patients (funded), {population.Practitioners.Count} practitioners and " +
                          $"{population.Registrars.Count} registrars in {clock.Elapsed.TotalSeconds:F1} s");

        // The population's accounts are new: none has used a nonce yet.
        var nonces = new NonceBook(_ => 0);
        clock.Restart();
        var perClient = (int)Math.Ceiling((double)options.MaxRate * (options.WarmupSeconds + options.DurationSeconds) / options.Clients);
        var plans = Workload.Sign(nonces, chainId, DateTimeOffset.UtcNow, population, options.Clients, perClient);
        using var sender = new HttpSender(cluster.Urls, plans);
        Console.WriteLine($"{label}: pre-signed {perClient * (long)options.Clients:N0} transactions in {clock.Elapsed.TotalSeconds:F1} s; " +
                          $"{options.Clients} clients over {cluster.Count} node{(cluster.Count == 1 ? "" : "s")}, running {options.WarmupSeconds} + {options.DurationSeconds} s...");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var blocks = new RemoteBlockLog(http, cluster.Urls[0]);
        GC.Collect();
        var measuring = ConsortiumUsage.MeasureAsync(cluster, warmup, duration, ct);
        var load = await ClosedLoop.RunAsync(label, sender, options.Clients, perClient, warmup, duration, blocks, ct);
        var usage = await measuring;
        return (load, usage, blocks.LastRead, new LoadedPopulation(population, nonces, chainId));
    }

    private static string NodeProcessBuild() => $"{CareLedger.Testing.NodeProcess.Configuration} build of CareLedger.Node";

    public static void Print(BenchOptions options, Figures f)
    {
        var defaults = new NodeOptions();
        var (blockMax, linger) = (Setting(options, "BlockMaxTransactions", defaults.BlockMaxTransactions), Setting(options, "BlockLingerMs", defaults.BlockLingerMs));
        var (load, usage, failover) = (f.Load, f.Usage, f.Failover);
        Console.WriteLine();
        Console.WriteLine($"CareLedger consortium bench: {ConsortiumCluster.Size} nodes and {ConsortiumCluster.Size} etcd members on {Environment.ProcessorCount} cores, " +
                          $"{options.Clients} closed-loop clients spread over the nodes, {options.DurationSeconds} s measured after {options.WarmupSeconds} s warm-up; " +
                          $"blocks of at most {blockMax} txs, linger {linger} ms, leader lease 1 s");
        Console.WriteLine();
        Console.WriteLine(Report.TableHeader);
        Report.PrintRow(f.Single);
        Report.PrintRow(load);
        if (load.ClientsRanOut > 0) Console.WriteLine($"  note: {load.ClientsRanOut} clients used up their pre-signed transactions early; raise --max-rate");
        Console.WriteLine();
        Console.WriteLine("node  role        height  head hash         cores busy  accepted from clients  blocks proposed in window");
        for (var i = 0; i < ConsortiumCluster.Size; i++)
        {
            var proposed = f.Blocks.Count(b => b.Proposer == f.Statuses[i]?.Self);
            Console.WriteLine($"{i + 1,4}  {f.Statuses[i]?.Role ?? "?",-9} {f.Heads[i].Height,8:N0}  {f.Heads[i].HeadHash[..16]}  {usage.NodeCores[i],10:F2}  {usage.Accepted[i],21:N0}  {proposed,25:N0}");
        }
        var agree = f.Heads.All(h => h.HeadHash == f.Heads[0].HeadHash);
        Console.WriteLine($"heads: {(agree ? "all three nodes hold the same head block" : "THE NODES' HEADS DIFFER")}");
        Console.WriteLine($"cores busy in the window: nodes {usage.NodeCores.Sum():F2}, etcd {string.Join(" + ", usage.EtcdCores.Select(c => c.ToString("F2")))}, " +
                          $"clients (this process) {usage.BenchCores:F2}, other processes {usage.OtherCores:F2}; machine {usage.MachineCores:F2} of {Environment.ProcessorCount}");
        if (load.Committed > 0)
            Console.WriteLine($"CPU per committed transaction: {1e6 * usage.NodeCores.Sum() / load.Tps:F0} us in the nodes, " +
                              $"{1e6 * usage.EtcdCores.Sum() / load.Tps:F0} us in etcd, {1e6 * usage.BenchCores / load.Tps:F0} us in the clients");
        var (each, alone) = PerNode(f);
        if (each > 0 && alone > 0)
            Console.WriteLine($"per node: {each:F0} us per transaction in each consortium node (the nodes' sum / {ConsortiumCluster.Size}) against {alone:F0} us " +
                              $"in the single node (run first; other processes {f.SingleUsage.OtherCores:F2} cores): {each / alone:F2}x");

        Console.WriteLine();
        var sorted = failover.Sorted;
        if (sorted.Length > 0)
            Console.WriteLine($"failover ({sorted.Length} of {ConsortiumFailover.Rounds} leader kills completed): first block from a new leader after min {sorted[0]:F2} s, median {Median(sorted):F2} s, max {sorted[^1]:F2} s " +
                              $"(new leader elected after median {Median(failover.Rounds.Select(r => r.ElectedSeconds).Order().ToArray()):F2} s)");
        long D(Delivery d) => failover.Deliveries[(int)d];
        Console.WriteLine($"light load meanwhile: {failover.LoadTps:N0} tx/s committed; {D(Delivery.Valid) + D(Delivery.Invalid):N0} committed, {D(Delivery.Failed):N0} failed " +
                          $"(their node was killed), {D(Delivery.Pending):N0} not committed within the node's wait, {D(Delivery.Rejected):N0} rejected");

        var json = new JsonObject();
        Report.AddRun(json, load);
        // The run's process figures cover only the clients here; these cover every process of the consortium.
        var cores = usage.NodeCores.Sum() + usage.EtcdCores.Sum() + usage.BenchCores;
        json["consortium_cores_busy"] = Report.Round(cores, 2);
        json["consortium_cpu_us_per_tx"] = load.Committed == 0 ? 0 : Report.Round(1e6 * cores / load.Tps, 0);
        json.Remove("consortium_alloc_kb_per_tx");
        json.Remove("consortium_gc_pause_pct");
        json["consortium_blocks"] = load.Blocks.Blocks;
        json["single_tps"] = Report.Round(f.Single.Tps, 0);
        json["single_node_cpu_us_per_tx"] = Report.Round(alone, 0);
        json["consortium_node_cpu_us_per_tx_each"] = Report.Round(each, 0);
        json["consortium_per_node_vs_single"] = alone > 0 ? Report.Round(each / alone, 2) : 0;
        json["consortium_heads_agree"] = agree;
        json["consortium_node_cores"] = new JsonArray(usage.NodeCores.Select(c => (JsonNode)Report.Round(c, 2)).ToArray());
        json["consortium_etcd_cores"] = Report.Round(usage.EtcdCores.Sum(), 2);
        json["consortium_other_cores"] = Report.Round(usage.OtherCores, 2);
        if (sorted.Length > 0)
        {
            json["failover_min_s"] = Report.Round(sorted[0], 2);
            json["failover_median_s"] = Report.Round(Median(sorted), 2);
            json["failover_max_s"] = Report.Round(sorted[^1], 2);
        }
        json["failover_rounds"] = sorted.Length;
        json["failover_pending"] = D(Delivery.Pending);
        json["cores"] = Environment.ProcessorCount;
        json["clients"] = options.Clients;
        json["duration_s"] = options.DurationSeconds;
        json["block_max"] = blockMax;
        json["linger_ms"] = linger;
        Console.WriteLine();
        Console.WriteLine(json.ToJsonString());
    }

    /// <summary>CPU per committed transaction in each consortium node (on average) and in the single node.</summary>
    private static (double Each, double Alone) PerNode(Figures f) =>
        (f.Load.Tps > 0 ? 1e6 * f.Usage.NodeCores.Sum() / f.Load.Tps / ConsortiumCluster.Size : 0,
         f.Single.Tps > 0 ? 1e6 * f.SingleUsage.NodeCores.Sum() / f.Single.Tps : 0);

    private static double Median(double[] sorted) => sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];

    private static int Setting(BenchOptions options, string name, int fallback) =>
        options.NodeArgs.Select(a => a.Split('=', 2)).Where(p => p.Length == 2 && p[0] == $"--CareLedger:{name}")
            .Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(fallback).Last();
}

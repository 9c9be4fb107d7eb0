using System.Diagnostics;

namespace CareLedger.Bench;

/// <summary>One leader crash: how long until the survivors elected a new leader and saw its first block, and how long the restarted node took to catch up.</summary>
public sealed record FailoverRound(int Killed, int NewLeader, double ElectedSeconds, double FirstBlockSeconds, double CatchUpSeconds);

/// <summary>Every crash, and what became of the light load's transactions meanwhile (counts by <see cref="Delivery"/>).</summary>
public sealed record FailoverFigures(IReadOnlyList<FailoverRound> Rounds, long[] Deliveries, double LoadTps)
{
    public double[] Sorted => Rounds.Select(r => r.FirstBlockSeconds).Order().ToArray();
}

/// <summary>
/// Kills the leader (SIGKILL) while a light load runs, and times the gap until a block proposed by
/// another node is committed on a survivor; then restarts the killed node and waits until it has
/// caught up, before the next round.
/// </summary>
public static class ConsortiumFailover
{
    public const int Rounds = 5;
    private const int Clients = 6;
    /// <summary>Each light client sends at most this many transactions a second (one in flight).</summary>
    private const int PerClientRate = 25;
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    public static async Task<FailoverFigures> RunAsync(ConsortiumCluster cluster, Population population, NonceBook nonces, string chainId, CancellationToken ct)
    {
        var clients = Math.Min(Clients, population.Registrars.Count);
        var plans = Workload.Sign(nonces, chainId, DateTimeOffset.UtcNow, population, clients, PerClientRate * 600);
        using var sender = new HttpSender(cluster.Urls, plans);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = Stopwatch.GetTimestamp();
        var load = Enumerable.Range(0, clients).Select(c => Task.Run(() => PaceAsync(sender, c, plans[c].Length, stop.Token), ct)).ToArray();
        var rounds = new List<FailoverRound>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            for (var r = 1; r <= Rounds; r++)
            {
                var round = await CrashLeaderAsync(cluster, ct);
                rounds.Add(round);
                Console.WriteLine($"failover {r}/{Rounds}: killed node {round.Killed + 1}; node {round.NewLeader + 1} led after {round.ElectedSeconds:F2} s, " +
                                  $"its first block after {round.FirstBlockSeconds:F2} s; node {round.Killed + 1} restarted and caught up in {round.CatchUpSeconds:F1} s");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Keep the rounds that completed, and show what the nodes said: a node that dies here is a finding.
            Console.WriteLine($"failover {rounds.Count + 1}/{Rounds} failed: {e.GetType().Name}: {e.Message}");
            cluster.PrintNodeOutputs();
        }
        finally
        {
            await stop.CancelAsync();
        }
        var tallies = await Task.WhenAll(load);
        var deliveries = Enumerable.Range(0, tallies[0].Length).Select(d => tallies.Sum(t => t[d])).ToArray();
        var committed = deliveries[(int)Delivery.Valid] + deliveries[(int)Delivery.Invalid];
        return new FailoverFigures(rounds, deliveries, committed / Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<FailoverRound> CrashLeaderAsync(ConsortiumCluster cluster, CancellationToken ct)
    {
        var leader = await cluster.LeaderAsync(ct);
        var killed = (await cluster.StatusAsync(leader, ct))?.Self ?? throw new InvalidOperationException($"node {leader + 1} does not answer");
        var survivors = Enumerable.Range(0, ConsortiumCluster.Size).Where(i => i != leader).ToArray();
        var floor = (await Task.WhenAll(survivors.Select(i => cluster.ChainAsync(i, ct)))).Max(c => c.Height);
        var validators = await Task.WhenAll(survivors.Select(async i => (await cluster.StatusAsync(i, ct))?.Self));

        var killedAt = Stopwatch.GetTimestamp();
        cluster.Kill(leader);
        double? elected = null;
        BlockSummary? first = null;
        while (first is null)
        {
            var since = Stopwatch.GetElapsedTime(killedAt);
            if (since > GiveUpAfter) throw new TimeoutException($"no block from a new leader {GiveUpAfter.TotalSeconds:F0} s after node {leader + 1} was killed");
            foreach (var i in survivors)
            {
                if (elected is null && await cluster.StatusAsync(i, ct) is { Leader: { } next } && next.Validator != killed)
                    elected = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
                if (await cluster.LatestBlockAsync(i, ct) is { } block && block.Height > floor && block.Proposer != killed)
                {
                    first = block;
                    break;
                }
            }
            if (first is null) await Task.Delay(10, ct);
        }
        var firstBlock = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
        var newLeader = survivors.Where((_, k) => validators[k] == first.Proposer).DefaultIfEmpty(-1).First();

        var restarting = Stopwatch.GetTimestamp();
        await cluster.RestartAsync(leader, ct);
        await WaitForCatchUpAsync(cluster, leader, ct);
        return new FailoverRound(leader, newLeader, elected ?? firstBlock, firstBlock, Stopwatch.GetElapsedTime(restarting).TotalSeconds);
    }

    /// <summary>Until the restarted node holds at least the height the leader had once the node was back.</summary>
    private static async Task WaitForCatchUpAsync(ConsortiumCluster cluster, int node, CancellationToken ct)
    {
        var target = (await cluster.ChainAsync(await cluster.LeaderAsync(ct), ct)).Height;
        while ((await cluster.ChainAsync(node, ct)).Height < target) await Task.Delay(20, ct);
    }

    /// <summary>A light client: one transaction in flight, at most <see cref="PerClientRate"/> a second, until stopped.</summary>
    private static async Task<long[]> PaceAsync(ITransactionSender sender, int client, int count, CancellationToken stop)
    {
        var counts = new long[Enum.GetValues<Delivery>().Length];
        var pace = TimeSpan.FromSeconds(1.0 / PerClientRate);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                counts[(int)await sender.SendAsync(client, i, stop)]++;
                var rest = pace - Stopwatch.GetElapsedTime(sent);
                if (rest > TimeSpan.Zero) await Task.Delay(rest, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        return counts;
    }
}

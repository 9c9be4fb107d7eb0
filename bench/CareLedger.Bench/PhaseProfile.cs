using System.Diagnostics;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Hosting;
using Microsoft.Data.Sqlite;

namespace CareLedger.Bench;

/// <summary>
/// Where a transaction's time goes inside the node, phase by phase, on one thread and without
/// load-test contention. It drives the node's own parts (contract runtime, block executor, SQLite
/// store) against a snapshot of the node's database, in the order the pool and orderer do.
/// </summary>
public static class PhaseProfile
{
    public const int BlockSize = 256;
    private const int Blocks = 16;
    private const int MaxSenders = 64;

    /// <summary>Microseconds per transaction spent in one phase.</summary>
    public sealed record Phase(string Key, string Name, double MicrosPerTx);

    /// <summary>The phases, the cost of checking a signature whose sender key this thread has not seen, and the fixed cost of a block.</summary>
    public sealed record Figures(IReadOnlyList<Phase> Phases, double ColdVerifyMicros, double EmptyBlockMillis);

    public static async Task<Figures> MeasureAsync(BenchLedger node, Population population, CancellationToken ct)
    {
        var snapshot = Path.Combine(node.DataDir, "profile.db");
        Snapshot(Path.Combine(node.DataDir, SqliteLedgerStore.FileName), snapshot);
        using var store = await SqliteLedgerStore.OpenAsync(snapshot, ct);
        using var validator = SigningKey.Generate();
        var executor = new BlockExecutor(node.Runtime);
        var memory = new MemoryState();
        memory.Apply(store.Scan("").Select(e => new KeyValuePair<string, byte[]?>(e.Key, e.Value)));
        var senders = Math.Min(MaxSenders, population.Registrars.Count);
        var plans = Workload.Sign(store, node.Genesis.ChainId, node.Clock.GetUtcNow(), population, senders, BlockSize * (Blocks + 1) / senders);

        var blocks = InBlocks(plans).ToList();
        var coldVerify = ColdVerifyMicros(blocks.SelectMany(b => b).DistinctBy(tx => tx.Sender).ToList());
        foreach (var tx in blocks.SelectMany(b => b)) tx.VerifySignature(); // the node's verifier caches sender keys per thread

        var timer = new PhaseTimer();
        foreach (var (batch, n) in blocks.Select((b, n) => (b, n)))
        {
            timer.Measuring = n > 0; // the first block only warms up the JIT and SQLite's page cache
            var time = Math.Max(node.Clock.GetUtcNow().ToUnixTimeMilliseconds(), store.Head!.Time);
            var head = store.Head!;
            timer.Time("admission_state", "admission: envelope, nonce and member checks", batch.Count, () =>
            {
                foreach (var tx in batch)
                    if (node.Runtime.CheckAdmission(store, tx, time) is { } refusal) throw new InvalidOperationException(refusal);
            });
            timer.Time("verify", "admission: ECDSA signature (sender key cached)", batch.Count, () =>
            {
                foreach (var tx in batch) tx.VerifySignature();
            });
            await timer.TimeAsync("commit_lookup", "waiter: committed-yet lookup", batch.Count, async () =>
            {
                foreach (var tx in batch) await store.FindTransactionAsync(tx.Id, ct);
            });
            ExecutedBlock executed = null!;
            timer.Time("execute", "execute block (state from the node's store)", batch.Count, () => executed = executor.Execute(store.ExecutionState, head, batch, time, validator.Account));
            if (executed.Results.FirstOrDefault(r => !r.Valid) is { } invalid) throw new InvalidOperationException($"profile transaction invalid: {invalid.Reason}");
            timer.Time("execute_in_memory", "  same block, state in memory (what-if)", batch.Count, () => executor.Execute(memory, head, batch, time, validator.Account));
            timer.Time("merkle", "  of which Merkle root over results", batch.Count, () => MerkleTree.Root(Block.Leaves(batch, executed.Results, null)));
            timer.Time("state_commitment", "  of which state commitment", batch.Count, () => StateCommitment.Next(head.StateRoot, executed.Writes));
            Block block = null!;
            timer.Time("sign_header", "sign block header", batch.Count, () =>
                block = executed.ToBlock([new BlockSignature(validator.PublicKey, validator.Sign(executed.Header.Hash()))]));
            await timer.TimeAsync("append", "append block: encode, SQLite inserts, fsync", batch.Count, () => store.AppendAsync(block, executed.Writes, ct));
            timer.Time("encode_body", "  of which encoding the body", batch.Count, () => block.EncodeBody());
            memory.Apply(executed.Writes);
        }
        return new Figures(timer.Phases, coldVerify, await EmptyBlockMillisAsync(store, executor, validator, ct));
    }

    /// <summary>One signature per sender, on a new thread whose key cache is empty: key import plus verification.</summary>
    private static double ColdVerifyMicros(IReadOnlyList<Transaction> firstPerSender)
    {
        var elapsed = TimeSpan.Zero;
        var thread = new Thread(() =>
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var tx in firstPerSender) tx.VerifySignature();
            elapsed = Stopwatch.GetElapsedTime(started);
        });
        thread.Start();
        thread.Join();
        return elapsed.TotalMicroseconds / firstPerSender.Count;
    }

    /// <summary>What a block costs with nothing in it: mostly the fsync of the SQLite commit.</summary>
    private static async Task<double> EmptyBlockMillisAsync(SqliteLedgerStore store, BlockExecutor executor, SigningKey validator, CancellationToken ct)
    {
        const int Count = 5;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Count; i++)
        {
            var head = store.Head!;
            var executed = executor.Execute(store.ExecutionState, head, [], head.Time, validator.Account);
            await store.AppendAsync(executed.ToBlock([new BlockSignature(validator.PublicKey, validator.Sign(executed.Header.Hash()))]), executed.Writes, ct);
        }
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds / Count;
    }

    /// <summary>Blocks that take every sender's transactions in nonce order, sorted the way the pool hands them to the orderer.</summary>
    private static IEnumerable<List<Transaction>> InBlocks(Transaction[][] plans)
    {
        var all = Enumerable.Range(0, plans[0].Length).SelectMany(i => plans.Select(p => p[i]));
        foreach (var chunk in all.Chunk(BlockSize))
            yield return chunk.OrderBy(tx => tx.Sender).ThenBy(tx => tx.Nonce).ToList();
    }

    private static void Snapshot(string database, string target)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        source.Open();
        using var vacuum = source.CreateCommand();
        vacuum.CommandText = "VACUUM INTO $target";
        vacuum.Parameters.AddWithValue("$target", target);
        vacuum.ExecuteNonQuery();
    }

    /// <summary>Per phase, the median over blocks of microseconds per transaction: robust to other processes' bursts.</summary>
    private sealed class PhaseTimer
    {
        private readonly List<(string Key, string Name, List<double> MicrosPerTx)> _phases = [];

        public bool Measuring { get; set; }

        public void Time(string key, string name, int txs, Action phase)
        {
            var started = Stopwatch.GetTimestamp();
            phase();
            Record(key, name, txs, started);
        }

        /// <summary>A phase that awaits the store: its calls complete synchronously, so this times the same work on the same thread.</summary>
        public async Task TimeAsync(string key, string name, int txs, Func<Task> phase)
        {
            var started = Stopwatch.GetTimestamp();
            await phase();
            Record(key, name, txs, started);
        }

        private void Record(string key, string name, int txs, long started)
        {
            if (!Measuring) return;
            var micros = Stopwatch.GetElapsedTime(started).TotalMicroseconds / txs;
            var index = _phases.FindIndex(p => p.Key == key);
            if (index < 0) _phases.Add((key, name, [micros]));
            else _phases[index].MicrosPerTx.Add(micros);
        }

        public IReadOnlyList<Phase> Phases => _phases.Select(p => new Phase(p.Key, p.Name, Median(p.MicrosPerTx))).ToList();

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}

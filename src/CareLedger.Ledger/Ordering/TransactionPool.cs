using System.Collections.Concurrent;
using System.Threading.Channels;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Ordering;

/// <summary>
/// Transactions waiting to be ordered. Admission checks everything that can be checked before
/// ordering (shape, size, chain, expiry, nonce, signature) on the caller's thread, so signature
/// verification runs in parallel across cores. Bounded: when full, callers are told so at once.
/// </summary>
public sealed class TransactionPool
{
    private readonly Channel<Transaction> _queue = Channel.CreateUnbounded<Transaction>();
    private readonly ConcurrentDictionary<Hash256, byte> _pending = new();
    private readonly ConcurrentDictionary<Hash256, TaskCompletionSource<Receipt>> _waiters = new();
    private readonly ContractRuntime _runtime;
    private readonly IStateReader _state;
    private readonly Func<Hash256, CancellationToken, ValueTask<Receipt?>> _findCommitted;
    private readonly TimeProvider _clock;
    private readonly int _capacity;

    /// <param name="findCommitted">The receipt of a transaction already in a stored block, or null (a store lookup).</param>
    public TransactionPool(ContractRuntime runtime, IStateReader state, Func<Hash256, CancellationToken, ValueTask<Receipt?>> findCommitted, TimeProvider clock, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _runtime = runtime;
        _state = state;
        _findCommitted = findCommitted;
        _clock = clock;
        _capacity = capacity;
    }

    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The sampled transactions' traces (<see cref="LedgerTracing"/>).</summary>
    public LedgerTracing Tracing { get; } = new();

    public bool Contains(Hash256 id) => _pending.ContainsKey(id);

    public SubmitResult Submit(ReadOnlyMemory<byte> envelope)
    {
        if (!Transaction.TryDecode(envelope, out var tx, out var error)) return SubmitResult.Rejected(error);
        return Submit(tx!);
    }

    public SubmitResult Submit(Transaction tx)
    {
        if (_pending.ContainsKey(tx.Id)) return SubmitResult.Accepted(tx.Id);
        using var admission = LedgerTracing.StartAdmission(tx.Id);
        var result = Admit(tx);
        if (result.Status == SubmitStatus.Accepted) Tracing.Admitted(tx.Id, admission);
        admission?.SetTag("careledger.admission", result.Status.ToString());
        return result;
    }

    private SubmitResult Admit(Transaction tx)
    {
        // A transaction built in-process never went through TryDecode's size check; a block holding
        // one could not be decoded again, so the limit is enforced here for everyone.
        if (tx.Body.Length + tx.Signature.Length + 16 > Transaction.MaxSize && tx.Encode().Length > Transaction.MaxSize)
            return SubmitResult.Rejected($"transaction is larger than the {Transaction.MaxSize}-byte limit", tx.Id);
        if (Volatile.Read(ref _count) >= _capacity) return SubmitResult.Full;
        if (_runtime.CheckAdmission(_state, tx, _clock.GetUtcNow().ToUnixTimeMilliseconds()) is { } reason)
            return SubmitResult.Rejected(reason, tx.Id);
        if (!tx.VerifySignature()) return SubmitResult.Rejected("signature does not verify for the sender's key", tx.Id);
        // Reserve a slot atomically: concurrent submitters can never overfill the pool.
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            return SubmitResult.Full;
        }
        if (!_pending.TryAdd(tx.Id, 0))
        {
            Interlocked.Decrement(ref _count);
            return SubmitResult.Accepted(tx.Id);
        }
        _queue.Writer.TryWrite(tx);
        return SubmitResult.Accepted(tx.Id);
    }

    /// <summary>
    /// Waits for at least one transaction, then gathers up to <paramref name="max"/> for at most
    /// <paramref name="linger"/>, or until it holds <paramref name="enough"/>. Each sender's transactions come out in nonce order.
    /// </summary>
    /// <param name="enough">
    /// How many make the linger pointless (see <see cref="BatchLinger"/>): once that many are in, the batch is cut with
    /// whatever else has already arrived, without waiting out the linger.
    /// </param>
    public async Task<IReadOnlyList<Transaction>> TakeBatchAsync(int max, TimeSpan linger, CancellationToken ct, int enough = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(enough, 1);
        var reader = _queue.Reader;
        var batch = new List<Transaction>();
        if (!await reader.WaitToReadAsync(ct)) return batch;
        try
        {
            await GatherAsync(reader, batch, max, Math.Min(max, enough), linger, ct);
        }
        catch (OperationCanceledException)
        {
            // Cancelled mid-linger (shutdown, lost leadership): what was taken goes back in line, or it would be lost.
            Requeue(batch);
            throw;
        }
        batch.Sort(static (a, b) => a.Sender != b.Sender ? a.Sender.CompareTo(b.Sender) : a.Nonce.CompareTo(b.Nonce));
        Tracing.Taken(batch);
        return batch;
    }

    private async Task GatherAsync(ChannelReader<Transaction> reader, List<Transaction> batch, int max, int enough, TimeSpan linger, CancellationToken ct)
    {
        var deadline = _clock.GetTimestamp() + (long)(linger.TotalSeconds * _clock.TimestampFrequency);
        while (batch.Count < max)
        {
            // A requeued transaction may have been committed meanwhile (through another node's block): skip it.
            while (batch.Count < max && reader.TryRead(out var tx)) if (_pending.ContainsKey(tx.Id)) batch.Add(tx);
            if (batch.Count >= enough) break;
            var remaining = _clock.GetElapsedTime(_clock.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero) break;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(remaining);
            try { if (!await reader.WaitToReadAsync(timeout.Token)) break; }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { break; }
        }
    }

    /// <summary>Completes when a transaction is waiting to be taken.</summary>
    public Task<bool> WaitForTransactionsAsync(CancellationToken ct) => _queue.Reader.WaitToReadAsync(ct).AsTask();

    /// <summary>
    /// Puts taken transactions back in line, for a consortium node whose proposal lost to another
    /// leader or whose forward to the leader failed. Committed ones are skipped when taken again.
    /// </summary>
    public void Requeue(IEnumerable<Transaction> txs)
    {
        foreach (var tx in txs)
            if (_pending.ContainsKey(tx.Id)) _queue.Writer.TryWrite(tx);
    }

    /// <summary>Drops a pending transaction that the leader refused, failing its waiters with the reason.</summary>
    public void Reject(Hash256 id, string reason)
    {
        if (_pending.TryRemove(id, out _)) Interlocked.Decrement(ref _count);
        Tracing.Forget(id);
        if (_waiters.TryRemove(id, out var waiter)) waiter.TrySetException(new TransactionRejectedException(id, reason));
    }

    /// <summary>Completes waiters and frees pool slots for a block that is now durable (<paramref name="timings"/>: for the traces).</summary>
    public void OnCommitted(Block block, BlockTimings? timings = null)
    {
        Tracing.Committed(block, timings);
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var id = block.Transactions[i].Id;
            if (_pending.TryRemove(id, out _)) Interlocked.Decrement(ref _count);
            if (_waiters.TryRemove(id, out var waiter)) waiter.TrySetResult(Receipt.From(block, i));
        }
    }

    /// <summary>Completes when the transaction's block is durable.</summary>
    public async Task<Receipt> WaitForCommitAsync(Hash256 id, CancellationToken ct)
    {
        var waiter = _waiters.GetOrAdd(id, _ => new TaskCompletionSource<Receipt>(TaskCreationOptions.RunContinuationsAsynchronously));
        // Still pending after the waiter is registered: OnCommitted clears the pending entry before it
        // completes waiters, so this one will be completed; no need to look in the store.
        if (_pending.ContainsKey(id)) return await waiter.Task.WaitAsync(ct);
        if (await _findCommitted(id, ct) is { } done)
        {
            _waiters.TryRemove(id, out _);
            return done;
        }
        return await waiter.Task.WaitAsync(ct);
    }
}

/// <summary>A transaction this node accepted but the consortium's leader refused; nothing of it was committed.</summary>
public sealed class TransactionRejectedException(Hash256 id, string reason) : Exception($"transaction {id} was refused by the leader: {reason}")
{
    public Hash256 TxId { get; } = id;
    public string Reason { get; } = reason;
}

using System.Collections.Concurrent;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// Gathers validators' signatures over blocks: publishes this node's own through the log, keeps
/// every other validator's that verifies (beside the block in the store, so receipts carry them) and
/// tracks the highest block a majority of its validators has signed. A signature over block <c>h</c>
/// counts only if its signer is in the set that signs <c>h</c>: a validator voted out cannot make later
/// blocks final, one voted in cannot sign blocks from before it joined.
/// </summary>
public sealed class Finality(ILedgerStore store, IBlockLog log, ValidatorHistory validators, string self, ILogger logger)
{
    private const int Window = 256;
    private const int EarlyWindow = 10_000;
    private readonly ConcurrentDictionary<ulong, Hash256> _recentHashes = new();
    private readonly ConcurrentDictionary<ulong, ConcurrentBag<BlockSignature>> _early = new();
    private readonly ConcurrentDictionary<ulong, HashSet<AccountId>> _signers = new();
    private readonly ConcurrentQueue<(ulong Height, BlockSignature Signature)> _unsaved = new();
    private readonly ConcurrentQueue<(ulong Height, BlockSignature Signature)> _own = new();
    private long _finalHeight;

    /// <summary>The highest block a majority of its validators has signed.</summary>
    public ulong FinalHeight => (ulong)Interlocked.Read(ref _finalHeight);

    /// <summary>On start: the latest stored block (looking back a little way) that a majority of today's validators signed.</summary>
    public async Task InitialiseAsync(ulong head, CancellationToken ct)
    {
        var set = validators.Next;
        for (var h = head; h > 0 && h + 64 > head; h--)
            if (await store.GetBlockAsync(h, ct) is { } block && block.SignedBy(set) >= set.Count / 2 + 1)
            {
                Interlocked.Exchange(ref _finalHeight, (long)h);
                return;
            }
    }

    /// <summary>A block was stored (its own signatures already checked): count them, and any that arrived before it.</summary>
    public void OnApplied(Block block)
    {
        _recentHashes[block.Height] = block.Hash;
        var signers = _signers.GetOrAdd(block.Height, _ => []);
        lock (signers) foreach (var s in block.Signatures) signers.Add(s.Validator);
        if (_early.TryRemove(block.Height, out var early)) Add(block.Height, block.Hash, early);
        UpdateFinal(block.Height, signers);
        if (block.Height > Window)
        {
            _recentHashes.TryRemove(block.Height - Window, out _);
            _signers.TryRemove(block.Height - Window, out _);
        }
    }

    /// <summary>This node's signature over a block it applied, to publish.</summary>
    public void Publish(ulong height, BlockSignature signature) => _own.Enqueue((height, signature));

    /// <summary>A signature published in the log; one over a block not applied yet waits for it.</summary>
    public async Task OnSignatureAsync(ulong height, BlockSignature signature, CancellationToken ct)
    {
        var head = store.Head!.Height;
        if (height > head)
        {
            if (height < head + EarlyWindow) _early.GetOrAdd(height, _ => []).Add(signature);
            return;
        }
        await AddAsync(height, [signature], ct);
    }

    /// <summary>Reads the signatures the log holds over blocks <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task FetchAsync(ulong from, ulong to, CancellationToken ct)
    {
        if (to < from) return;
        try
        {
            foreach (var group in (await log.ReadSignaturesAsync(from, to, ct)).GroupBy(s => s.Height))
                await AddAsync(group.Key, group.Select(s => s.Signature), ct);
        }
        catch (BlockLogException e) { logger.LogDebug("Could not read signatures for blocks {From}-{To}: {Reason}", from, to, e.Message); }
    }

    /// <summary>Publishes this node's signatures over the blocks it applied, in one write every 50 ms rather than one per block.</summary>
    public async Task PublishAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(50, ct);
            var batch = new List<(ulong, BlockSignature)>();
            while (batch.Count < 100 && _own.TryDequeue(out var s)) batch.Add(s);
            if (batch.Count == 0) continue;
            try { await log.PutSignaturesAsync(self, batch, ct); }
            catch (BlockLogException e) { logger.LogWarning("Could not publish signatures for {Count} blocks: {Reason}", batch.Count, e.Message); }
        }
    }

    /// <summary>
    /// Other validators' signatures are written in batches (one durable write every 100 ms, off
    /// the block thread); a crash loses at most those, and they are still in the log.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(100, ct);
            var batch = new List<(ulong, BlockSignature)>();
            while (batch.Count < 10_000 && _unsaved.TryDequeue(out var s)) batch.Add(s);
            if (batch.Count > 0) await store.AddSignaturesAsync(batch, ct);
        }
    }

    /// <summary>Signatures over a stored block: its hash comes from memory for recent blocks, else from the store.</summary>
    private async ValueTask AddAsync(ulong height, IEnumerable<BlockSignature> signatures, CancellationToken ct)
    {
        if (validators.At(height) is null) return; // before this node started following: its set is not known here
        var hash = _recentHashes.TryGetValue(height, out var recent) ? recent : (await store.GetBlockAsync(height, ct))?.Hash;
        if (hash is not null) Add(height, hash.Value, signatures);
    }

    private void Add(ulong height, Hash256 hash, IEnumerable<BlockSignature> signatures)
    {
        if (validators.At(height) is not { } set) return;
        var valid = signatures.Where(s => set.Contains(s.Validator) && s.Verify(hash)).DistinctBy(s => s.Validator).ToList();
        if (valid.Count == 0) return;
        foreach (var s in valid) _unsaved.Enqueue((height, s));
        var signers = _signers.GetOrAdd(height, _ => []);
        lock (signers) foreach (var s in valid) signers.Add(s.Validator);
        UpdateFinal(height, signers);
    }

    private void UpdateFinal(ulong height, HashSet<AccountId> signers)
    {
        if (validators.At(height) is not { } set) return;
        int count;
        lock (signers) count = signers.Count(set.Contains);
        if (count >= set.Count / 2 + 1) Atomic.Max(ref _finalHeight, (long)height);
    }
}

using System.Threading.Channels;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Verification;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// Following: read the log from our head on and watch it, applying each block in height order with
/// <see cref="Chain.LedgerChain.ApplyReplicatedAsync"/>; a block that fails any check halts the node, except one
/// timed too far ahead of this node's clock, which waits for it (docs/adr/0012).
/// </summary>
public sealed partial class ConsortiumOrderer
{
    private const int ReadBatch = 16;
    private readonly Channel<LogEvent> _events = Channel.CreateUnbounded<LogEvent>(new() { SingleReader = true });
    private readonly SemaphoreSlim _wake = new(0);
    private volatile string? _waiting;
    private long _aheadOfClock = -1;
    private long _refusedAheadOfClock;

    /// <summary>Why the next block waits (it is timed too far ahead of this node's clock); null while blocks apply.</summary>
    public string? Waiting => _waiting;

    /// <summary>How many blocks this node has refused, for a while at least, for being timed too far ahead of its clock.</summary>
    public long BlocksAheadOfClock => Interlocked.Read(ref _refusedAheadOfClock);

    /// <summary>Reads and applies every block after our head. Returns the log revision it read at.</summary>
    private async Task<long> SyncAsync(CancellationToken ct)
    {
        long revision = 0;
        while (_haltReason is null)
        {
            IReadOnlyList<(ulong Height, byte[] Block)> blocks;
            try { (blocks, revision) = await _log.ReadBlocksAsync(_chain.Head.Height + 1, ReadBatch, ct); }
            catch (BlockLogException e)
            {
                _logger.LogWarning("Cannot read the block log: {Reason}", e.Message);
                return revision;
            }
            if (blocks.Count == 0) break;
            if (blocks[0].Height > _chain.Head.Height + 1)
            {
                // The log was truncated past our head: fetch the blocks in between from peers, then read on.
                if (!await _catchUp.CatchUpAsync(blocks[0].Height - 1, () => _chain.Head.Height, ApplyAsync, ct)) return revision;
                continue;
            }
            var first = blocks[0].Height;
            var refused = false;
            foreach (var (height, bytes) in blocks)
                if (!await ApplyAsync(height, bytes, ct)) { refused = true; break; }
            await _finality.FetchAsync(first, _chain.Head.Height, ct);
            if (refused || blocks.Count < ReadBatch) break;
        }
        return revision;
    }

    private async Task DrainEventsAsync(CancellationToken ct)
    {
        while (_haltReason is null && _events.Reader.TryRead(out var e))
        {
            if (e.Height > _chain.Head.Height + 1) await SyncAsync(ct);
            else if (e.Height == _chain.Head.Height + 1) await ApplyAsync(e.Height, e.Block!, ct);
        }
    }

    /// <summary>Validates, executes and stores one block from the log; halts the node if it cannot.</summary>
    /// <returns>False when the block was refused (the node halted, or the block waits for this node's clock); true when applied or not next.</returns>
    private async Task<bool> ApplyAsync(ulong height, byte[] bytes, CancellationToken ct)
    {
        if (_haltReason is not null) return false;
        if (height != _chain.Head.Height + 1) return true;
        Block proposed;
        try { proposed = Block.Decode(bytes); }
        catch (FormatException e) { Halt($"block {height} in the consortium log cannot be decoded: {e.Message}"); return false; }
        if (proposed.Height != height) { Halt($"the log's entry {height} holds block {proposed.Height}"); return false; }
        return await ApplyAsync(proposed, ct);
    }

    /// <summary>Validates, executes and stores one block (from the log or a peer); halts the node if it cannot.</summary>
    /// <returns>False when the block was refused: the node halted, or the block is timed too far ahead of this node's clock and waits.</returns>
    private async Task<bool> ApplyAsync(Block proposed, CancellationToken ct)
    {
        if (_haltReason is not null) return false;
        var applied = await _chain.ApplyReplicatedAsync(proposed, _validators.Next, _pool.Contains, _time.LatestAcceptable, ct);
        if (applied.Verdict.Fault == BlockFault.AheadOfClock)
        {
            WaitForClock(proposed, applied.Verdict.Reason!);
            return false;
        }
        if (applied.Stored is not { } block)
        {
            var (height, proposer, reason) = (proposed.Height, proposed.Header.Proposer, applied.Verdict.Reason);
            Halt(applied.Verdict.Fault == BlockFault.Divergent
                ? $"DIVERGENCE at block {height} proposed by {proposer}: {reason}. This node refuses the block and stops serving until an operator acts."
                : $"block {height} proposed by {proposer} is invalid: {reason}. This node refuses it and stops serving until an operator acts.");
            return false;
        }
        _waiting = null;
        OnApplied(block, applied.Writes);
        if (block.Signatures.FirstOrDefault(s => s.Validator == _chain.Validator) is { } own) _finality.Publish(block.Height, own);
        return true;
    }

    /// <summary>
    /// A block timed too far ahead of our clock is neither stored nor signed, and does not halt the node: it is read
    /// again with the log until our clock reaches it (a short skew only delays it; a block weeks ahead never gets this
    /// node's signature, so never becomes final). Logged and counted once per block.
    /// </summary>
    private void WaitForClock(Block proposed, string reason)
    {
        _waiting = $"block {proposed.Height} proposed by {proposed.Header.Proposer} is timed ahead of this node's clock: {reason}";
        if (Interlocked.Exchange(ref _aheadOfClock, (long)proposed.Height) == (long)proposed.Height) return;
        Interlocked.Increment(ref _refusedAheadOfClock);
        _logger.LogWarning("ALERT: block {Height} proposed by {Proposer} is not applied: {Reason}. It is neither stored nor signed " +
            "until this node's clock is within {MaxSkew} ms of its time.", proposed.Height, proposed.Header.Proposer, reason, (long)_time.MaxSkew.TotalMilliseconds);
    }

    /// <summary>Watches the log, restarting the watch when it breaks; events are handled off the block thread.</summary>
    private async Task WatchAsync(long fromRevision, CancellationToken ct)
    {
        var events = Channel.CreateUnbounded<LogEvent>(new() { SingleReader = true });
        var next = fromRevision;
        _ = Task.Run(async () =>
        {
            await foreach (var e in events.Reader.ReadAllAsync(ct))
            {
                next = e.Revision + 1;
                try { await DispatchAsync(e, ct); }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    _logger.LogError(error, "Could not handle the log event for {Kind} {Height}", e.Kind, e.Height);
                }
            }
        }, ct);
        while (!ct.IsCancellationRequested)
        {
            if (await _log.WatchAsync(next, events.Writer, ct)) next = 0; // history truncated: watch from now; the periodic read catches up
            if (ct.IsCancellationRequested) break;
            // The stream broke (member down or without a leader): try again shortly; the main loop reads meanwhile.
            await Task.Delay(200, ct);
        }
    }

    private async Task DispatchAsync(LogEvent e, CancellationToken ct)
    {
        switch (e.Kind)
        {
            case LogEventKind.Block:
                Atomic.Max(ref _logHeight, (long)e.Height);
                await _events.Writer.WriteAsync(e, ct);
                _wake.Release();
                break;
            case LogEventKind.Leader:
                _leader = e.Leader;
                // The key is gone or someone else's (a change after we took it, not a late event from before): our lease has lapsed.
                if (_leader != Self && e.Revision > Interlocked.Read(ref _fence)) StopLeading();
                _wake.Release();
                break;
            case LogEventKind.Signature:
                await _finality.OnSignatureAsync(e.Height, e.Signature!, ct);
                break;
        }
    }
}

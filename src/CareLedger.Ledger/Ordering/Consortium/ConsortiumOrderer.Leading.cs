using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Transactions;
using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// Leading: campaign for the leader key once caught up, then cut, execute, sign and append blocks
/// under the leadership's fence, storing each only once the log holds it.
/// </summary>
public sealed partial class ConsortiumOrderer
{
    private CancellationTokenSource? _leadership;
    private long _fence;

    private async Task<long?> TryCampaignAsync(CancellationToken ct)
    {
        await SyncAsync(ct);
        if (_haltReason is not null || !LeaseFresh()) return null;
        try
        {
            if (await _log.TryCampaignAsync(_lease, Self, _chain.Head.Height + 1, ct) is { } fence) return fence;
            var current = await _log.GetLeaderAsync(ct);
            // Still ours (leading stopped on a lost append answer while the lease lived): resume under the same fence.
            if (current?.Leader == Self) return current.Value.Fence;
            _leader = current?.Leader;
            return null;
        }
        catch (BlockLogException e)
        {
            _logger.LogWarning("Cannot reach the block log to campaign: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>
    /// Leads until the lease is lost or an append fails, then returns to following. Pipelined:
    /// while block n is being replicated, block n+1 is gathered and executed on top of it; n+1 is
    /// appended only once n is committed, so the log never holds a block whose parent it lacks.
    /// </summary>
    private async Task LeadAsync(long fence, CancellationToken ct)
    {
        using var leadership = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _leadership = leadership;
        Interlocked.Exchange(ref _fence, fence);
        _role = ConsortiumRole.Leader;
        _leader = Self;
        _logger.LogInformation("This node leads the consortium from height {Height}", _chain.Head.Height + 1);
        Proposal? inFlight = null;
        Task<bool>? appending = null;
        try
        {
            while (!leadership.IsCancellationRequested)
            {
                // A block we did not write means someone else leads now.
                if (!await SkipOwnBlockEventsAsync(inFlight?.Block.Height ?? 0, ct)) break;
                IReadOnlyList<Transaction> batch = [];
                try
                {
                    if (appending is null || await Task.WhenAny(appending, _pool.WaitForTransactionsAsync(leadership.Token)) != appending)
                        batch = await _pool.TakeBatchAsync(_settings.MaxTransactions, _settings.Linger, leadership.Token);
                }
                catch (OperationCanceledException) { break; }
                var next = batch.Count > 0 ? _chain.Propose(batch, _time.BlockTime(Validators, IsValidator), inFlight) : null;
                if (inFlight is not null)
                {
                    var committed = await FinishAppendAsync(inFlight, appending!);
                    inFlight = null;
                    appending = null;
                    if (!committed || !IsValidator)
                    {
                        if (next is not null) _pool.Requeue(batch);
                        if (committed) await StepDownAsync("this node's key is no longer a validator", ct);
                        break;
                    }
                }
                if (next is null) continue;
                inFlight = next;
                appending = AppendAsync(next, fence, leadership.Token); // a lost lease abandons the append; the log says later whether it landed
            }
        }
        finally
        {
            // Leadership ended with a block in flight: the log decides its fate.
            if (inFlight is not null) await FinishAppendAsync(inFlight, appending!);
            _leadership = null;
            if (_role == ConsortiumRole.Leader) _role = ConsortiumRole.Follower;
            _leader = null;
            _logger.LogInformation("This node no longer leads (height {Height})", _chain.Head.Height);
        }
        await SyncAsync(ct);
    }

    /// <summary>Voted out, or its clock found wrong, while leading: give up the key at once, so another validator takes over.</summary>
    private async Task StepDownAsync(string reason, CancellationToken ct)
    {
        _logger.LogWarning("This node stops leading: {Reason}", reason);
        try { await _log.RevokeLeaseAsync(_lease, ct); }
        catch (BlockLogException e) { _logger.LogWarning("Could not give up the leader key at once ({Reason}); its lease will lapse", e.Message); }
    }

    private async Task<bool> AppendAsync(Proposal proposal, long fence, CancellationToken ct)
    {
        try { return await _log.TryAppendAsync(proposal.Block.Height, proposal.Block.Encode(), fence, ct); }
        catch (BlockLogException e)
        {
            _logger.LogWarning("Appending block {Height} failed: {Reason}", proposal.Block.Height, e.Message);
            return false;
        }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>
    /// Stores a proposal once the log has it. If the append failed (lost lease, or the answer was
    /// lost), its transactions go back in line; following then applies the block from the log if it made it.
    /// </summary>
    private async Task<bool> FinishAppendAsync(Proposal proposal, Task<bool> appending)
    {
        if (!await appending)
        {
            _pool.Requeue(proposal.Block.Transactions);
            return false;
        }
        if (_chain.Head.Height >= proposal.Block.Height) return _chain.Head.Hash() == proposal.Block.Hash; // applied from the log meanwhile
        // The log holds the block: store it even while the node is stopping.
        await _chain.CommitProposedAsync(proposal, CancellationToken.None);
        OnApplied(proposal.Block, proposal.Executed.Writes);
        _truncation.OnAppended(proposal.Block.Height, _chain.Head.Height);
        return true;
    }

    /// <summary>
    /// While leading, block events are our own blocks coming back — including the one still in
    /// flight, whose event can arrive before its append returns; false if one is not ours.
    /// </summary>
    private async Task<bool> SkipOwnBlockEventsAsync(ulong inFlight, CancellationToken ct)
    {
        while (_events.Reader.TryRead(out var e))
        {
            if (e.Height <= Math.Max(_chain.Head.Height, inFlight)) continue;
            _logger.LogWarning("Block {Height} appeared in the log from another leader", e.Height);
            await SyncAsync(ct);
            return false;
        }
        return true;
    }

    private void StopLeading()
    {
        try { _leadership?.Cancel(); }
        catch (ObjectDisposedException) { } // leading had already ended
    }
}

using Microsoft.Extensions.Logging;

namespace CareLedger.Ledger.Ordering.Consortium;

/// <summary>
/// The node's lease: it carries the leader key while this node leads and the node's heartbeat
/// always. A leader that cannot renew it stops cutting blocks before it can run out; the fence
/// makes any late append fail anyway.
/// </summary>
public sealed partial class ConsortiumOrderer
{
    private long _lease;
    private long _leaseRenewedAt;

    /// <summary>At start the consortium's log may not be up yet (members start in any order): wait for it, saying so.</summary>
    private async Task TakeFirstLeaseAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                _lease = await _log.GrantLeaseAsync(_settings.LeaseSeconds, ct);
                Interlocked.Exchange(ref _leaseRenewedAt, _clock.GetTimestamp());
                return;
            }
            catch (BlockLogException e)
            {
                _logger.LogWarning("Waiting for the consortium's block log: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    private async Task KeepLeaseAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromMilliseconds(_settings.LeaseSeconds * 1000 / 4.0);
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(period, ct);
            try
            {
                if (await _log.KeepAliveAsync(_lease, ct))
                {
                    Interlocked.Exchange(ref _leaseRenewedAt, _clock.GetTimestamp());
                    continue;
                }
                _logger.LogWarning("The node's lease expired; taking a new one");
                StopLeading();
                _lease = await _log.GrantLeaseAsync(_settings.LeaseSeconds, ct);
                Interlocked.Exchange(ref _leaseRenewedAt, _clock.GetTimestamp());
            }
            catch (BlockLogException e)
            {
                _logger.LogWarning("Cannot renew the lease: {Reason}", e.Message);
            }
            if (!LeaseFresh()) StopLeading();
        }
    }

    /// <summary>Renewed recently enough that it cannot have lapsed in the log: only then may this node campaign or go on leading.</summary>
    private bool LeaseFresh() =>
        _clock.GetElapsedTime(Interlocked.Read(ref _leaseRenewedAt)) < TimeSpan.FromSeconds(_settings.LeaseSeconds * 0.75);

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await ExchangeClocksAsync(ct);
            await Task.Delay(500, ct);
        }
    }

    /// <summary>
    /// Publishes this node's heartbeat (its clock included) and reads the others' clocks. A leader whose clock turns
    /// out to be off the others' gives up the leader key: it would refuse clients' transactions as expired.
    /// </summary>
    private async Task ExchangeClocksAsync(CancellationToken ct)
    {
        try
        {
            await _log.PutMemberAsync(Heartbeat(), _lease, ct);
            _time.Observe(await _log.GetMembersAsync(ct));
            if (_role != ConsortiumRole.Leader || !_time.Skewed) return;
            StopLeading();
            await StepDownAsync($"this node's clock is {_time.Skew} ms off the other nodes' clocks, more than the {(long)_time.MaxSkew.TotalMilliseconds} ms allowed", ct);
        }
        catch (BlockLogException) { }
    }

    /// <summary>A halted node gives up leadership and keeps publishing that it is halted, so status shows it.</summary>
    private async Task ServeHaltedAsync(CancellationToken ct)
    {
        try
        {
            if (_lease != 0) await _log.RevokeLeaseAsync(_lease, ct);
            _lease = await _log.GrantLeaseAsync(Math.Max(_settings.LeaseSeconds, 5), ct);
            while (!ct.IsCancellationRequested)
            {
                await _log.PutMemberAsync(Heartbeat(), _lease, ct);
                await Task.Delay(1000, ct);
                await _log.KeepAliveAsync(_lease, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (BlockLogException) { await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default); }
    }
}

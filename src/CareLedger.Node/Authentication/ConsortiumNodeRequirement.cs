using CareLedger.Ledger.Ordering.Consortium;
using Microsoft.AspNetCore.Authorization;

namespace CareLedger.Node.Authentication;

/// <summary>
/// A consortium node: a validator's key (the node claim), or a node that beats its heart in the consortium's etcd log
/// under its key — an observing node that follows without being a validator. etcd is the consortium's own, behind TLS
/// and client certificates, so a heartbeat there is a node's word. With <see cref="OrOverseer"/>, auditors pass too
/// (raw blocks are for nodes catching up and for auditors).
/// </summary>
public sealed record ConsortiumNodeRequirement(bool OrOverseer) : IAuthorizationRequirement;

public sealed class ConsortiumNodeHandler(IServiceProvider services, TimeProvider clock, ILogger<ConsortiumNodeHandler> log)
    : AuthorizationHandler<ConsortiumNodeRequirement>
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _refresh = new(1, 1);

    /// <summary>The heartbeats last read and when: swapped whole, so readers never see one without the other.</summary>
    private sealed record Beating(IReadOnlySet<string> Validators, DateTimeOffset ReadAt);

    private Beating _beating = new(new HashSet<string>(), DateTimeOffset.MinValue);

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsortiumNodeRequirement requirement)
    {
        var user = context.User;
        if (user.HasClaim(CallerClaims.Oversight, CallerClaims.NodeOversight) || (requirement.OrOverseer && user.Oversees())) { context.Succeed(requirement); return; }
        if (user.Identity?.IsAuthenticated != true || services.GetService<ConsortiumOrderer>() is not { } consortium) return;
        if ((await BeatingAsync(consortium)).Contains(user.Account().ToString())) context.Succeed(requirement);
    }

    // The heartbeats, read from etcd at most every few seconds however many requests arrive, and never waited on for long.
    private async Task<IReadOnlySet<string>> BeatingAsync(ConsortiumOrderer consortium)
    {
        var known = _beating;
        if (clock.GetUtcNow() - known.ReadAt < Fresh) return known.Validators;
        if (!await _refresh.WaitAsync(Patience)) return known.Validators;
        try
        {
            known = _beating;
            if (clock.GetUtcNow() - known.ReadAt < Fresh) return known.Validators;
            using var timeout = new CancellationTokenSource(Patience);
            try { known = new((await consortium.Log.GetMembersAsync(timeout.Token)).Select(m => m.Validator).ToHashSet(), clock.GetUtcNow()); }
            catch (Exception e) when (e is BlockLogException or OperationCanceledException)
            {
                log.LogWarning("Cannot read the consortium's heartbeats to recognise a node: {Reason}", e.Message);
                known = known with { ReadAt = clock.GetUtcNow() };
            }
            _beating = known;
            return known.Validators;
        }
        finally { _refresh.Release(); }
    }
}

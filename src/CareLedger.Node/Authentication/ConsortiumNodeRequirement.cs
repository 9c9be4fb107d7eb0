using CareLedger.Ledger.Ordering.Consortium;
using Microsoft.AspNetCore.Authorization;

namespace CareLedger.Node.Authentication;

/// <summary>
/// A consortium node: a key with the node claim (a validator, or an organisation's service key), or a node that beats its
/// heart in the consortium's etcd log under that key — an observing node that follows without being a validator. etcd is
/// the consortium's own, behind TLS and client certificates, so a heartbeat there is a node's word.
/// </summary>
public sealed class ConsortiumNodeRequirement : IAuthorizationRequirement;

public sealed class ConsortiumNodeHandler(IServiceProvider services, TimeProvider clock) : AuthorizationHandler<ConsortiumNodeRequirement>
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlySet<string> _beating = new HashSet<string>();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsortiumNodeRequirement requirement)
    {
        if (context.User.HasClaim(CallerClaims.Oversight, CallerClaims.NodeOversight)) { context.Succeed(requirement); return; }
        if (context.User.Identity?.IsAuthenticated != true || services.GetService<ConsortiumOrderer>() is not { } consortium) return;
        if ((await BeatingAsync(consortium)).Contains(context.User.Account().ToString())) context.Succeed(requirement);
    }

    // The heartbeats, read from etcd at most every few seconds however many forwards arrive.
    private async Task<IReadOnlySet<string>> BeatingAsync(ConsortiumOrderer consortium)
    {
        if (clock.GetUtcNow() - _readAt < Fresh) return _beating;
        await _refresh.WaitAsync();
        try
        {
            if (clock.GetUtcNow() - _readAt < Fresh) return _beating;
            try { _beating = (await consortium.Log.GetMembersAsync(CancellationToken.None)).Select(m => m.Validator).ToHashSet(); }
            catch (BlockLogException) { }
            _readAt = clock.GetUtcNow();
            return _beating;
        }
        finally { _refresh.Release(); }
    }
}

using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Hosting;

namespace CareLedger.Node.Records;

/// <summary>
/// Transactions the node signs itself, with its own key (a service member of its organisation):
/// access-log entries and its key publication. Keeps its nonce in step across concurrent callers.
/// </summary>
public sealed class NodeAccount(LedgerNode node)
{
    private readonly Lock _lock = new();
    private ulong _nonce;

    public bool IsServiceMember =>
        node.Store.Get(Contracts.Membership.Members.MemberPrefix + node.ValidatorKey.Account) is { } m && CborMap.Decode(m).GetText("role") == "service";

    public Transaction Submit(string contract, string action, CborMap args)
    {
        lock (_lock)
        {
            for (var attempt = 0; ; attempt++)
            {
                _nonce = Math.Max(_nonce, ContractRuntime.LastNonce(node.Store, node.ValidatorKey.Account)) + 1;
                var tx = Transaction.Create(node.ValidatorKey, node.Genesis.ChainId, _nonce,
                    node.Clock.GetUtcNow().AddMinutes(10).ToUnixTimeMilliseconds(), contract, action, args);
                var result = node.Pool.Submit(tx);
                if (result.Status == SubmitStatus.Accepted) return tx;
                if (attempt >= 2) throw new InvalidOperationException($"the node's own {contract}.{action} was refused: {result.Reason}");
            }
        }
    }

    /// <summary>Publishes the node's key once, so patients can give it the emergency copy of their record keys.</summary>
    public async Task EnsureKeyPublishedAsync(CancellationToken ct)
    {
        if (!IsServiceMember || node.Store.Get(Contracts.Records.RecordsContract.KeyPrefix + node.ValidatorKey.Account) is not null) return;
        var tx = Submit("records", "publish-key", new CborMap());
        await node.Pool.WaitForCommitAsync(tx.Id, ct);
    }
}

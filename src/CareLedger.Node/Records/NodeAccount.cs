using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Records;

/// <summary>
/// The node's own account (its validator key, a service member of its organisation): it signs
/// access-log entries and publishes its key, which patients wrap the emergency copy of their record keys for.
/// </summary>
public sealed class NodeAccount(NodeKeys keys, LedgerReader ledger, LocalTransactions transactions, TransactionPool pool) : INodeStartup
{
    public bool IsServiceMember => ledger.FindMember(keys.Account)?.Role == Roles.Service;

    public Transaction Submit(string contract, string action, CborMap args) => transactions.Submit(keys.Validator, contract, action, args);

    /// <summary>Publishes the node's key once, so patients can give it the emergency copy of their record keys.</summary>
    public async Task AfterCatchUpAsync(CancellationToken ct)
    {
        if (!IsServiceMember || ledger.State.Contains(PublishedKey.Key(keys.Account))) return;
        var tx = Submit("records", "publish-key", new CborMap());
        await pool.WaitForCommitAsync(tx.Id, ct);
    }
}

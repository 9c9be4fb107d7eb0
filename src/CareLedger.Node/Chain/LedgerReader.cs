using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;

namespace CareLedger.Node.Chain;

/// <summary>
/// What request handlers read of the ledger: the committed state as contracts see it, the contracts'
/// queries, receipts, and the node's clock. It never writes.
/// </summary>
public sealed class LedgerReader(ILedgerStore store, ContractRuntime runtime, TimeProvider clock)
{
    /// <summary>A read-only contract view of the committed state.</summary>
    public ContractState State => new(store, null, "query");

    /// <summary>The node's time in Unix milliseconds, what consent and licences are checked against.</summary>
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Member? FindMember(AccountId account) => Members.FindMember(State, account);

    /// <summary>Asks a contract a question the endpoint has already validated: a refusal here is a bug, not bad input.</summary>
    public CborMap Ask(string contract, string query, CborMap args) =>
        runtime.Query(store, contract, query, args, Now, out var error)
        ?? throw new InvalidOperationException($"{contract}.{query} refused checked arguments: {error}");

    /// <summary>Asks as <see cref="Ask(string, string, CborMap)"/> does, and reads the answer with the codec of the record it is.</summary>
    public T Ask<T>(string contract, string query, CborMap args) where T : ICborRecord<T> => T.FromCbor(Ask(contract, query, args));

    /// <summary>The receipt of a transaction in a stored block, or null.</summary>
    public async ValueTask<Receipt?> FindReceiptAsync(Hash256 id, CancellationToken ct)
    {
        if (await store.FindTransactionAsync(id, ct) is not { } at) return null;
        var block = await store.GetBlockAsync(at.Height, ct);
        return block is null ? null : Receipt.From(block, at.Index);
    }
}

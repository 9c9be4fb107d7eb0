using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;

namespace CareLedger.Node.Chain;

/// <summary>
/// What request handlers read of the ledger: the committed state as contracts see it, the contracts'
/// queries, receipts, and the node's clock. It never writes.
/// </summary>
public sealed class LedgerReader(ILedgerStore store, ContractRuntime runtime, TimeProvider clock, IValidatorSet validators)
{
    /// <summary>A read-only contract view of the committed state.</summary>
    public ContractState State => new(store, null, "query");

    /// <summary>The node's time in Unix milliseconds, what consent and licences are checked against.</summary>
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// <see cref="Now"/>, or the head block's time if this node's clock trails it: what a decision that must never undo a
    /// committed revoke or erasure is taken at (a revoke in force at the head is in force here, whatever the clock says).
    /// </summary>
    public long NotBeforeHead => Math.Max(Now, store.Head?.Time ?? 0);

    public Member? FindMember(AccountId account) => Members.FindMember(State, account);

    /// <summary>
    /// Whether the account is a validator's node key now: a consortium node. A point lookup on every signed request; the
    /// genesis set is consulted only while the ledger keeps no set of its own (once it does, it never empties).
    /// </summary>
    public bool IsValidator(AccountId account)
    {
        if (store.Get(Validator.Key(account).Value) is not null) return true;
        if (_keepsValidators) return false;
        _keepsValidators = store.Scan(Validator.KeyPrefix).Any();
        return !_keepsValidators && validators.Read(store).Contains(account);
    }

    private volatile bool _keepsValidators;

    /// <summary>
    /// Asks a contract a question on behalf of <paramref name="asker"/>, as the query's audience allows: null with the
    /// reason when the arguments are bad or the asker is not in the audience (<paramref name="refused"/>).
    /// </summary>
    public CborMap? AskAs(Asker asker, string contract, string query, CborMap args, out string? error, out bool refused) =>
        runtime.Query(store, contract, query, args, Now, asker, out error, out refused);

    /// <summary>Whether the query's audience includes the asker (and the arguments are good), for endpoints that serve a query's answer in their own shape.</summary>
    public bool MayAsk(Asker asker, string contract, string query, CborMap args) => runtime.Allows(store, contract, query, args, Now, asker) is null;

    /// <summary>Asks a contract a question the endpoint has already validated: a refusal here is a bug, not bad input.</summary>
    public CborMap Ask(string contract, string query, CborMap args) =>
        runtime.Query(store, contract, query, args, Now, out var error)
        ?? throw new InvalidOperationException($"{contract}.{query} refused checked arguments: {error}");

    /// <summary>Asks as <see cref="Ask(string, string, CborMap)"/> does, and reads the answer with the codec of the record it is.</summary>
    public T Ask<T>(string contract, string query, CborMap args) where T : ICborRecord<T> => T.FromCbor(Ask(contract, query, args));

    /// <summary>Every item of a paged list query (<see cref="QueryPaging"/>), asked page by page as <see cref="Ask{T}"/> asks.</summary>
    public IEnumerable<T> AskAll<TPage, T>(string contract, string query, CborMap args) where TPage : ICborRecord<TPage>, IQueryPage<T>
    {
        var pageArgs = new CborMap();
        foreach (var (name, value) in args) pageArgs[name] = value;
        while (true)
        {
            var page = Ask<TPage>(contract, query, pageArgs);
            foreach (var item in page.Items) yield return item;
            if (page.Next.Length == 0) yield break;
            pageArgs["after"] = page.Next;
        }
    }

    /// <summary>The receipt of a transaction in a stored block, or null.</summary>
    public async ValueTask<Receipt?> FindReceiptAsync(Hash256 id, CancellationToken ct) => (await FindCommittedAsync(id, ct))?.Receipt;

    /// <summary>The receipt of a transaction in a stored block, with the transaction, or null.</summary>
    public async ValueTask<(Receipt Receipt, Transaction Transaction)?> FindCommittedAsync(Hash256 id, CancellationToken ct)
    {
        if (await store.FindTransactionAsync(id, ct) is not { } at) return null;
        var block = await store.GetBlockAsync(at.Height, ct);
        return block is null ? null : (Receipt.From(block, at.Index), block.Transactions[at.Index]);
    }
}

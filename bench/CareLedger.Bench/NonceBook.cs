using System.Collections.Concurrent;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Bench;

/// <summary>
/// Each sender's next nonce, counting on from the last one the chain has used. Read it only when the pool is empty.
/// A node only asks that nonces increase, so transactions signed but never sent leave harmless gaps.
/// </summary>
public sealed class NonceBook(Func<AccountId, ulong> lastUsed)
{
    private readonly ConcurrentDictionary<AccountId, ulong> _next = new();

    public NonceBook(IStateReader committed) : this(account => ContractRuntime.LastNonce(committed, account))
    {
    }

    public ulong Next(AccountId sender) =>
        _next.AddOrUpdate(sender, account => lastUsed(account) + 1, (_, last) => last + 1);
}

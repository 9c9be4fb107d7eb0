using System.Collections.Concurrent;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Bench;

/// <summary>Each sender's next nonce, counting on from the last one the chain has used. Read it only when the pool is empty.</summary>
public sealed class NonceBook(IStateReader committed)
{
    private readonly ConcurrentDictionary<AccountId, ulong> _next = new();

    public ulong Next(AccountId sender) =>
        _next.AddOrUpdate(sender, account => ContractRuntime.LastNonce(committed, account) + 1, (_, last) => last + 1);
}

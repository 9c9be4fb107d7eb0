using System.Collections.Concurrent;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Node.Chain;

/// <summary>
/// Transactions signed with keys this node holds — its own (access-log entries, key publication),
/// custodial practitioners' (FHIR writes) and, in a demo, the demo people's — submitted straight to
/// the pool. Keeps each account's nonces in step across concurrent callers.
/// </summary>
public sealed class LocalTransactions(ILedgerStore store, TransactionPool pool, GenesisDocument genesis, TimeProvider clock)
{
    private readonly ConcurrentDictionary<AccountId, Sender> _senders = new();

    /// <summary>Signs and admits a transaction; throws <see cref="InvalidOperationException"/> if the pool refuses it three times.</summary>
    public Transaction Submit(SigningKey key, string contract, string action, CborMap args)
    {
        var sender = _senders.GetOrAdd(key.Account, _ => new Sender());
        lock (sender)
        {
            for (var attempt = 0; ; attempt++)
            {
                sender.Nonce = Math.Max(sender.Nonce, ContractRuntime.LastNonce(store, key.Account)) + 1;
                var tx = Transaction.Create(key, genesis.ChainId, sender.Nonce, clock.GetUtcNow().AddMinutes(10).ToUnixTimeMilliseconds(), contract, action, args);
                var result = pool.Submit(tx);
                if (result.Status == SubmitStatus.Accepted) return tx;
                if (attempt >= 2) throw new InvalidOperationException($"{contract}.{action} was refused: {result.Reason}");
            }
        }
    }

    /// <summary>Submits and waits for the block; the receipt says whether the contract accepted it.</summary>
    public async Task<Receipt> SubmitAndWaitAsync(SigningKey key, string contract, string action, CborMap args, CancellationToken ct)
    {
        var tx = Submit(key, contract, action, args);
        return await pool.WaitForCommitAsync(tx.Id, ct);
    }

    private sealed class Sender
    {
        public ulong Nonce;
    }
}

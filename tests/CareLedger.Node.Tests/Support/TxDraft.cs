using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Node.Tests.Support;

/// <summary>
/// A transaction before signing. The defaults make a valid one (expiring in five minutes);
/// tests change one part with <c>with</c> or the helpers to make it wrong in exactly one way.
/// </summary>
public sealed record TxDraft(SigningKey Sender, string ChainId, ulong Nonce)
{
    public string Contract { get; init; } = "tokens";
    public string Action { get; init; } = "transfer";
    public CborMap Args { get; init; } = new();
    public long Expiry { get; init; } = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();

    public TxDraft Transfer(AccountId to, long amount) =>
        this with { Contract = "tokens", Action = "transfer", Args = new CborMap { ["asset"] = "CARE", ["to"] = to.ToString(), ["amount"] = amount } };

    public TxDraft Register(AccountId account, string role) =>
        this with { Contract = "membership", Action = "register", Args = new CborMap { ["account"] = account.ToString(), ["role"] = role } };

    public Transaction Sign() => Transaction.Create(Sender, ChainId, Nonce, Expiry, Contract, Action, Args);
}

using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tokens;

/// <summary>
/// Tokens a contract holds until it decides who gets them: a booking's price until the patient
/// acknowledges the consultation, an organisation's treasury. An escrow lives in the tokens
/// namespace, at tokens/escrow/{holder}/{id}, and changes only through these operations, which a
/// contract the tokens contract trusts calls with its own state (the holder is that state's
/// namespace, so one contract cannot touch another's escrows). Each operation moves an amount
/// from one place to another and refuses rather than overdraw, so an asset's supply stays the sum
/// of its balances and escrows.
/// </summary>
public static class TokenEscrow
{
    /// <summary>For callers not yet converted to <see cref="Escrow.Key"/>.</summary>
    public const string EscrowPrefix = Escrow.KeyPrefix;
    private const string Tokens = "tokens";

    /// <summary>For callers not yet converted to <see cref="Escrow.Key"/>.</summary>
    public static string Key(string holder, string id) => Escrow.Key(holder, id).Value;

    /// <summary>What the escrow holds, or null when it holds nothing.</summary>
    public static Escrow? Find(ContractState holder, string id) => holder.Get(Escrow.Key(holder.Namespace, id));

    public static long Held(ContractState holder, string id) => Find(holder, id)?.Amount ?? 0;

    /// <summary>Moves <paramref name="amount"/> of the account's balance into the escrow.</summary>
    public static Outcome Lock(ContractState holder, string id, string asset, AccountId from, long amount)
    {
        if (amount <= 0) return Outcome.Fail("amount must be positive");
        var tokens = holder.Of(Tokens);
        if (!tokens.Contains(Asset.Key(asset))) return Outcome.Fail($"unknown asset {asset}");
        if (Find(holder, id) is { } held && held.Asset != asset) return Outcome.Fail($"escrow {id} holds {held.Asset}, not {asset}");
        var balance = TokensContract.Balance(tokens, asset, from);
        if (balance < amount) return Outcome.Fail($"insufficient funds: balance {balance} {asset}, needs {amount}");
        TokensContract.SetBalance(tokens, asset, from, balance - amount);
        SetHeld(tokens, Escrow.Key(holder.Namespace, id), asset, checked(Held(holder, id) + amount));
        return Outcome.Ok;
    }

    /// <summary>Pays <paramref name="amount"/> out of the escrow to the account's balance.</summary>
    public static Outcome Pay(ContractState holder, string id, AccountId to, long amount)
    {
        if (Take(holder, id, amount) is not { } asset) return Outcome.Fail(ShortOf(holder, id, amount));
        var tokens = holder.Of(Tokens);
        TokensContract.SetBalance(tokens, asset, to, checked(TokensContract.Balance(tokens, asset, to) + amount));
        return Outcome.Ok;
    }

    /// <summary>Moves <paramref name="amount"/> from one of the holder's escrows to another of the same asset.</summary>
    public static Outcome Move(ContractState holder, string fromId, string toId, long amount)
    {
        if (Find(holder, fromId) is { } from && Find(holder, toId) is { } to && from.Asset != to.Asset)
            return Outcome.Fail($"escrow {fromId} holds {from.Asset}, escrow {toId} holds {to.Asset}");
        if (fromId == toId) return Outcome.Fail("cannot move an escrow into itself");
        if (Take(holder, fromId, amount) is not { } asset) return Outcome.Fail(ShortOf(holder, fromId, amount));
        SetHeld(holder.Of(Tokens), Escrow.Key(holder.Namespace, toId), asset, checked(Held(holder, toId) + amount));
        return Outcome.Ok;
    }

    /// <summary>Takes the amount out of the escrow and says which asset it was; null (and no change) when it holds less.</summary>
    private static string? Take(ContractState holder, string id, long amount)
    {
        if (amount <= 0 || Find(holder, id) is not { } held || held.Amount < amount) return null;
        SetHeld(holder.Of(Tokens), Escrow.Key(holder.Namespace, id), held.Asset, held.Amount - amount);
        return held.Asset;
    }

    private static string ShortOf(ContractState holder, string id, long amount) =>
        amount <= 0 ? "amount must be positive" : $"escrow {id} holds {Held(holder, id)}, cannot pay out {amount}";

    private static void SetHeld(ContractState tokens, StateKey<Escrow> key, string asset, long amount)
    {
        if (amount == 0) tokens.Delete(key);
        else tokens.Put(key, new Escrow(asset, amount));
    }

    /// <summary>A move that cannot fail once the caller's checks have passed; if it does, the bug surfaces instead of money going astray.</summary>
    public static void Must(Outcome outcome)
    {
        if (!outcome.IsOk) throw new InvalidOperationException($"escrow inconsistency: {outcome.Error}");
    }
}

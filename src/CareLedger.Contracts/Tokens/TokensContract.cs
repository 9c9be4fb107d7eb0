using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tokens;

/// <summary>
/// Multi-asset balances. An asset belongs to the organisation that issues it; that
/// organisation's admins mint. Any member transfers what they hold; a transfer never
/// overdraws and never changes an asset's total supply. Trusted contracts hold tokens in escrow
/// through <see cref="TokenEscrow"/>; the supply is then the sum of balances and escrows.
/// </summary>
public sealed class TokensContract : IContract
{
    /// <summary>For callers not yet converted to <see cref="Asset.Key"/>.</summary>
    public const string AssetPrefix = Asset.KeyPrefix;
    /// <summary>For callers not yet converted to <see cref="Tokens.Balance.Key"/>.</summary>
    public const string BalancePrefix = Tokens.Balance.KeyPrefix;

    public string Name => "tokens";

    /// <summary>
    /// The services contract holds consultation fees and organisation treasuries in escrow; the
    /// prescriptions contract holds presented prescriptions' prices, pharmacy tills and adherence pools.
    /// </summary>
    public IReadOnlyList<string> TrustedCallers { get; } = ["services", "prescriptions"];

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("create-asset", [new("asset", ArgKind.Text), new("name", ArgKind.Text)],
            "an organisation admin; the asset belongs to their organisation", Members.AdminOf(null), CreateAsset),
        new("mint", [new("asset", ArgKind.Text), new("to", ArgKind.Account), new("amount", ArgKind.Integer)],
            "an admin of the asset's issuing organisation", Members.AdminOf(null), Mint),
        new("transfer", [new("asset", ArgKind.Text), new("to", ArgKind.Account), new("amount", ArgKind.Integer), new("memo", ArgKind.Text, Optional: true)],
            "any member, from their own balance", Members.AnyMember, Transfer),
    ];

    public IReadOnlyList<ContractQuery> Queries { get; } =
    [
        ContractQuery.Of("balance", [new("asset", ArgKind.Text), new("account", ArgKind.Account)], Audiences.Self("account"), (q, args) =>
        {
            var account = AccountId.Parse(args.GetText("account"));
            return new AccountBalance(args.GetText("asset"), account, Balance(q.State, args.GetText("asset"), account));
        }),
        ContractQuery.Of("asset", [new("asset", ArgKind.Text)], Audiences.Public, (q, args) => Found.Of(q.State.Get(Asset.Key(args.GetText("asset"))))),
        ContractQuery.Of("escrow", [new("holder", ArgKind.Text), new("id", ArgKind.Text)], Audiences.Oversight, (q, args) =>
            Found.Of(q.State.Get(Escrow.Key(args.GetText("holder"), args.GetText("id"))))),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
        if (!genesis.ContainsKey("assets")) return;
        foreach (var item in genesis.GetList("assets"))
        {
            var asset = Asset.FromGenesis(item as CborMap ?? throw new CborMapException("assets must be maps"));
            state.Put(Asset.Key(asset.Symbol), asset);
        }
    }

    public static long Balance(ContractState state, string asset, AccountId account) =>
        state.Get(Tokens.Balance.Key(asset, account))?.Amount ?? 0;

    internal static void SetBalance(ContractState state, string asset, AccountId account, long amount)
    {
        var key = Tokens.Balance.Key(asset, account);
        if (amount == 0) state.Delete(key);
        else state.Put(key, new Balance(amount));
    }

    private static Outcome CreateAsset(ContractContext ctx, CborMap args)
    {
        var symbol = args.GetText("asset");
        if (symbol.Length > 16 || !symbol.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9'))
            return Outcome.Fail("an asset symbol is 1-16 capital letters or digits");
        if (ctx.State.Contains(Asset.Key(symbol))) return Outcome.Fail($"asset {symbol} already exists");
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        ctx.State.Put(Asset.Key(symbol), new Asset(symbol, args.GetText("name"), admin.Organisation, 0));
        ctx.Emit("AssetCreated", new CborMap { ["asset"] = symbol, ["issuer"] = admin.Organisation });
        return Outcome.Ok;
    }

    private static Outcome Mint(ContractContext ctx, CborMap args)
    {
        var symbol = args.GetText("asset");
        var amount = args.GetInt("amount");
        if (amount <= 0) return Outcome.Fail("amount must be positive");
        if (ctx.State.Get(Asset.Key(symbol)) is not { } asset) return Outcome.Fail($"unknown asset {symbol}");
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        if (asset.Issuer != admin.Organisation) return Outcome.Fail($"only admins of {asset.Issuer} may mint {symbol}");
        var to = AccountId.Parse(args.GetText("to"));
        if (!ctx.State.Contains(Member.Key(to))) return Outcome.Fail($"recipient {to} is not a member");
        ctx.State.Put(Asset.Key(symbol), asset with { Supply = checked(asset.Supply + amount) });
        SetBalance(ctx.State, symbol, to, checked(Balance(ctx.State, symbol, to) + amount));
        ctx.Emit("Minted", new CborMap { ["asset"] = symbol, ["to"] = to.ToString(), ["amount"] = amount });
        return Outcome.Ok;
    }

    private static Outcome Transfer(ContractContext ctx, CborMap args)
    {
        var symbol = args.GetText("asset");
        var amount = args.GetInt("amount");
        if (amount <= 0) return Outcome.Fail("amount must be positive");
        if (!ctx.State.Contains(Asset.Key(symbol))) return Outcome.Fail($"unknown asset {symbol}");
        var to = AccountId.Parse(args.GetText("to"));
        if (!ctx.State.Contains(Member.Key(to))) return Outcome.Fail($"recipient {to} is not a member");
        var from = ctx.Sender;
        var balance = Balance(ctx.State, symbol, from);
        if (balance < amount) return Outcome.Fail($"insufficient funds: balance {balance} {symbol}, transfer {amount}");
        if (to == from) return Outcome.Fail("cannot transfer to yourself");
        SetBalance(ctx.State, symbol, from, balance - amount);
        SetBalance(ctx.State, symbol, to, checked(Balance(ctx.State, symbol, to) + amount));
        ctx.Emit("Transferred", new CborMap { ["asset"] = symbol, ["from"] = from.ToString(), ["to"] = to.ToString(), ["amount"] = amount });
        return Outcome.Ok;
    }
}

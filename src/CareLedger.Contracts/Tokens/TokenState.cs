using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tokens;

/// <summary>An asset, at tokens/asset/{symbol}: its name, the organisation that issues it, and its supply (all balances and escrows).</summary>
public sealed record Asset(string Symbol, string Name, string Issuer, long Supply) : ICborRecord<Asset>
{
    public const string KeyPrefix = "tokens/asset/";

    public static StateKey<Asset> Key(string symbol) => new(KeyPrefix + symbol);

    public CborMap ToCbor() => new() { ["symbol"] = Symbol, ["name"] = Name, ["issuer"] = Issuer, ["supply"] = Supply };

    public static Asset FromCbor(CborMap map) => CborFields.Read(map, static f => new Asset(f.Text("symbol"), f.Text("name"), f.Text("issuer"), f.Int("supply")));

    /// <summary>An asset as the genesis document lists it (symbol, name, issuer), with nothing issued yet.</summary>
    public static Asset FromGenesis(CborMap map) => CborFields.Read(map, static f => new Asset(f.Text("symbol"), f.Text("name"), f.Text("issuer"), 0));
}

/// <summary>What an account holds of an asset, at tokens/balance/{asset}/{account}; an empty balance has no entry.</summary>
public sealed record Balance(long Amount) : ICborRecord<Balance>
{
    public const string KeyPrefix = "tokens/balance/";

    public static StatePrefix<Balance> Of(string asset) => new($"{KeyPrefix}{asset}/");

    public static StateKey<Balance> Key(string asset, AccountId account) => new($"{KeyPrefix}{asset}/{account}");

    public CborMap ToCbor() => new() { ["amount"] = Amount };

    public static Balance FromCbor(CborMap map) => CborFields.Read(map, static f => new Balance(f.Int("amount")));
}

/// <summary>What an escrow holds, at tokens/escrow/{holder}/{id} (see <see cref="TokenEscrow"/>); an empty escrow has no entry.</summary>
public sealed record Escrow(string Asset, long Amount) : ICborRecord<Escrow>
{
    public const string KeyPrefix = "tokens/escrow/";

    public static StatePrefix<Escrow> All { get; } = new(KeyPrefix);

    public static StateKey<Escrow> Key(string holder, string id) => new($"{KeyPrefix}{holder}/{id}");

    public CborMap ToCbor() => new() { ["asset"] = Asset, ["amount"] = Amount };

    public static Escrow FromCbor(CborMap map) => CborFields.Read(map, static f => new Escrow(f.Text("asset"), f.Int("amount")));
}

/// <summary>The answer to tokens.balance.</summary>
public sealed record AccountBalance(string Asset, AccountId Account, long Balance) : ICborRecord<AccountBalance>
{
    public CborMap ToCbor() => new() { ["asset"] = Asset, ["account"] = Account.ToString(), ["balance"] = Balance };

    public static AccountBalance FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new AccountBalance(f.Text("asset"), f.Account("account"), f.Int("balance")));
}

/// <summary>The answer to services.treasury and prescriptions.till: what one of an organisation's escrows holds in an asset.</summary>
public sealed record OrganisationFunds(string Org, string Asset, long Amount) : ICborRecord<OrganisationFunds>
{
    public CborMap ToCbor() => new() { ["org"] = Org, ["asset"] = Asset, ["amount"] = Amount };

    public static OrganisationFunds FromCbor(CborMap map) => CborFields.Read(map, static f => new OrganisationFunds(f.Text("org"), f.Text("asset"), f.Int("amount")));
}

using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tests.Support;

/// <summary>The contract actions in the words of the tests: who does what to whom.</summary>
public static class ConsortiumActions
{
    public const string Asset = "CARE";

    public static TxResult Register(this TestConsortium c, string admin, AccountId account, string role, string? name = null)
    {
        var args = new CborMap { ["account"] = account.ToString(), ["role"] = role };
        if (name is not null) args["name"] = name;
        return c.Submit(admin, "membership", "register", args);
    }

    public static TxResult Remove(this TestConsortium c, string admin, AccountId account) =>
        c.Submit(admin, "membership", "remove", new CborMap { ["account"] = account.ToString() });

    public static TxResult Issue(this TestConsortium c, string admin, LicenceIssue licence) =>
        c.Submit(admin, "licensing", "issue", licence.ToArgs());

    public static TxResult Revoke(this TestConsortium c, string admin, AccountId practitioner, string reason = "struck off") =>
        c.Submit(admin, "licensing", "revoke", new CborMap { ["practitioner"] = practitioner.ToString(), ["reason"] = reason });

    public static TxResult Mint(this TestConsortium c, string admin, AccountId to, long amount, string asset = Asset) =>
        c.Submit(admin, "tokens", "mint", new CborMap { ["asset"] = asset, ["to"] = to.ToString(), ["amount"] = amount });

    public static TxResult Transfer(this TestConsortium c, string from, AccountId to, long amount, string asset = Asset) =>
        c.Submit(from, "tokens", "transfer", new CborMap { ["asset"] = asset, ["to"] = to.ToString(), ["amount"] = amount });

    public static long Balance(this TestConsortium c, AccountId account, string asset = Asset) =>
        TokensContract.Balance(c.View, asset, account);

    public static long Supply(this TestConsortium c, string asset = Asset) => c.Get(Contracts.Tokens.Asset.Key(asset))!.Supply;

    public static bool IsMember(this TestConsortium c, AccountId account) =>
        c.Query<Found<Member>>("membership", "member", new CborMap { ["account"] = account.ToString() }).Value is not null;

    public static string? LicenceProblem(this TestConsortium c, AccountId practitioner, long at) =>
        LicensingContract.Check(c.View, practitioner, at).Error;
}

/// <summary>The arguments of a licence issue; defaults give a year-long general-practice licence.</summary>
public sealed record LicenceIssue(AccountId Practitioner, long ValidFrom, long ValidUntil, string Specialty = "general-practice", string Jurisdiction = "EU-TEST")
{
    public static LicenceIssue For(AccountId practitioner, long from) => new(practitioner, from, from + 365 * TestConsortium.Day);

    public CborMap ToArgs() => new()
    {
        ["practitioner"] = Practitioner.ToString(), ["specialty"] = Specialty, ["jurisdiction"] = Jurisdiction,
        ["validFrom"] = ValidFrom, ["validUntil"] = ValidUntil,
    };
}

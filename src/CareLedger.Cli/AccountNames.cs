using CareLedger.Ledger.Cryptography;

namespace CareLedger.Cli;

/// <summary>Accounts as people know them: the name of their key in the keystore, else the start of the account id.</summary>
public sealed class AccountNames
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public AccountNames(IEnumerable<KeyInfo> keys)
    {
        foreach (var key in keys) _names.TryAdd(key.Account.ToString(), key.Name);
    }

    public bool Knows(string account) => _names.ContainsKey(account);

    public string Of(string account) => _names.TryGetValue(account, out var name) ? name : Short(account);

    public string Of(AccountId account) => Of(account.ToString());

    public static string Short(string account) => account.Length > 16 ? account[..16] + "…" : account;
}

using System.ComponentModel;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>Options of commands that name accounts: an account id, or the name of a key in the keystore.</summary>
public class AccountSettings : NodeSettings
{
    [CommandOption("--keystore <DIR>")]
    [Description("The keystore folder. Default: $CARELEDGER_KEYSTORE, else ~/.careledger/keys")]
    public string? Keystore { get; init; }

    public KeyStore OpenKeyStore() => new(Keystore ?? KeyStore.DefaultFolder);

    public AccountNames Names() => new(OpenKeyStore().List());

    /// <summary>An account given as 64 hex characters, or as the name of a key in the keystore (no passphrase needed).</summary>
    public AccountId ResolveAccount(string reference)
    {
        if (AccountId.TryParse(reference, out var id)) return id;
        var store = OpenKeyStore();
        try { return store.Show(reference).Account; }
        catch (KeyStoreException)
        {
            throw new CliException($"'{reference}' is neither an account id (64 hex characters) nor a key in {store.Folder}");
        }
    }
}

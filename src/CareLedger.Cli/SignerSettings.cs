using System.ComponentModel;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>Options of commands that sign a transaction.</summary>
public class SignerSettings : AccountSettings
{
    [CommandOption("--key <NAME>", isRequired: true)]
    [Description("The keystore key that signs; its passphrase comes from $CARELEDGER_PASSPHRASE or a prompt")]
    public string Key { get; init; } = "";

    /// <summary>Unlocks the signing key, asking for its passphrase only once the key is known to exist.</summary>
    public SigningKey LoadKey(CliSession session)
    {
        var store = OpenKeyStore();
        store.Show(Key);
        return store.Load(Key, session.PassphraseFor(Key));
    }
}

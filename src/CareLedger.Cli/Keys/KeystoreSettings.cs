using System.ComponentModel;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Keys;

/// <summary>Options of the commands that manage the keystore itself.</summary>
public class KeystoreSettings : CommandSettings
{
    [CommandOption("--keystore <DIR>")]
    [Description("The keystore folder. Default: $CARELEDGER_KEYSTORE, else ~/.careledger/keys")]
    public string? Keystore { get; init; }

    public KeyStore OpenKeyStore() => new(Keystore ?? KeyStore.DefaultFolder);
}

/// <summary>A key's public parts as JSON.</summary>
public sealed record KeyJson(string Name, string Account, string PublicKey, DateTimeOffset Created)
{
    public static KeyJson From(KeyInfo key) => new(key.Name, key.Account.ToString(), Convert.ToBase64String(key.PublicKey), key.Created);
}

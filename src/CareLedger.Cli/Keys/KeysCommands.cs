using Spectre.Console.Cli;

namespace CareLedger.Cli.Keys;

/// <summary>The keystore commands: keys new, list and show.</summary>
public static class KeysCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("keys", keys =>
        {
            keys.SetDescription("Create and inspect signing keys in the encrypted keystore");
            keys.AddCommand<KeysNewCommand>("new").WithDescription("Create a key under a passphrase").WithExample("keys", "new", "dr-lee");
            keys.AddCommand<KeysListCommand>("list").WithDescription("List the keys in the keystore");
            keys.AddCommand<KeysShowCommand>("show").WithDescription("Show a key's account id, public key and creation time");
        });
    }
}

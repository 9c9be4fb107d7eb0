using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Keys;

/// <summary>Creates a P-256 key, encrypted under a passphrase in the keystore.</summary>
public sealed class KeysNewCommand(CliSession session) : Command<KeysNewCommand.Settings>
{
    public sealed class Settings : KeystoreSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("A name for the key: letters, digits, '-', '_' or '.'")]
        public string Name { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken ct)
    {
        var store = settings.OpenKeyStore();
        if (store.List().Any(k => k.Name == settings.Name)) throw new CliException($"a key named '{settings.Name}' already exists in {store.Folder}");
        var key = store.Create(settings.Name, session.NewPassphraseFor(settings.Name));
        session.Success($"created key {key.Name}");
        KeysShowCommand.Render(session.Out, key, store.Folder);
        session.Out.MarkupLine("[grey]Keep the passphrase safe: without it the key can be neither used nor recovered.[/]");
        return ExitCodes.Ok;
    }
}

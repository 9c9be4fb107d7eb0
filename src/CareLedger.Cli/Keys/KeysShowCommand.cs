using System.ComponentModel;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Keys;

/// <summary>A key's account id, public key and creation time. Needs no passphrase.</summary>
public sealed class KeysShowCommand(CliSession session) : Command<KeysShowCommand.Settings>
{
    public sealed class Settings : KeystoreSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The key's name")]
        public string Name { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print the key's public parts as JSON")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken ct)
    {
        var store = settings.OpenKeyStore();
        var key = store.Show(settings.Name);
        if (settings.Json) session.WriteJson(KeyJson.From(key));
        else Render(session.Out, key, store.Folder);
        return ExitCodes.Ok;
    }

    public static void Render(IAnsiConsole console, KeyInfo key, string folder)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Name[/]"), new Markup($"[bold]{Markup.Escape(key.Name)}[/]"));
        grid.AddRow(new Markup("[grey]Account[/]"), new Text(key.Account.ToString()));
        grid.AddRow(new Markup("[grey]Public key[/]"), new Text(Convert.ToBase64String(key.PublicKey)));
        grid.AddRow(new Markup("[grey]Created[/]"), new Text(key.Created.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        grid.AddRow(new Markup("[grey]Keystore[/]"), new Text(folder));
        console.Write(grid);
    }
}

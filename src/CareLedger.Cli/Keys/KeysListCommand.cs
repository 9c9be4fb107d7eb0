using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Keys;

/// <summary>The keys in the keystore. Needs no passphrase.</summary>
public sealed class KeysListCommand(CliSession session) : Command<KeysListCommand.Settings>
{
    public sealed class Settings : KeystoreSettings
    {
        [CommandOption("--json")]
        [Description("Print the keys as JSON")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken ct)
    {
        var store = settings.OpenKeyStore();
        var keys = store.List();
        if (settings.Json)
        {
            session.WriteJson(keys.Select(KeyJson.From));
            return ExitCodes.Ok;
        }
        if (keys.Count == 0)
        {
            session.Out.MarkupLineInterpolated($"No keys in {store.Folder}. Create one with [bold]careledger keys new <name>[/].");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"Keys in {Markup.Escape(store.Folder)}")
            .AddColumn("Name").AddColumn("Account").AddColumn("Created");
        foreach (var key in keys)
            table.AddRow(new Markup($"[bold]{Markup.Escape(key.Name)}[/]"), new Text(key.Account.ToString()),
                new Text(key.Created.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }
}

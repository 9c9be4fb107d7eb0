using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Store;

/// <summary><c>careledger store restore</c>: a backup checked against its manifest, then put into a new data folder.</summary>
public sealed class StoreRestoreCommand(CliSession session) : AsyncCommand<StoreRestoreCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--from <PATH>")]
        [Description("The backup: a folder or a .tar file made by 'store backup'")]
        public string? From { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("A new (or empty) data folder for the restored node")]
        public string? Data { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(From) ? ValidationResult.Error("give the backup with --from <PATH>")
            : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("give the new data folder with --data <DIR>")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var (dataDir, manifest) = await NodeRestore.RunAsync(settings.From!, settings.Data!, ct);
        session.Success($"restored {manifest.Files.Count} files, every one matching its hash, into {dataDir}");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Taken[/]"), new Text($"{manifest.Created:u}"));
        grid.AddRow(new Markup("[grey]Ledger[/]"), new Text(manifest.Ledger is { } l
            ? $"block {l.Height}  {l.Head}  (replayed to state root {l.StateRoot})"
            : "not in the backup (PostgreSQL): restore the database, or start a consortium node with --resync on an empty one"));
        grid.AddRow(new Markup("[grey]Next[/]"), new Text($"start the node with --data {dataDir} and its passphrase; a consortium node catches up from the others"));
        session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}

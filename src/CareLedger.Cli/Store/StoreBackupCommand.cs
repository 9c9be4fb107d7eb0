using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Store;

/// <summary><c>careledger store backup</c>: a consistent, hashed copy of a node's data folder, taken while the node runs.</summary>
public sealed class StoreBackupCommand(CliSession session) : AsyncCommand<StoreBackupCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("The node's data folder (the node may keep running)")]
        public string? Data { get; init; }

        [CommandOption("--to <PATH>")]
        [Description("A new folder, or a file ending in .tar, for the backup")]
        public string? To { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("give the node's data folder with --data <DIR>")
            : string.IsNullOrWhiteSpace(To) ? ValidationResult.Error("give where the backup goes with --to <PATH>")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var (target, manifest) = await NodeBackup.CreateAsync(settings.Data!, settings.To!, TimeProvider.System, ct);
        session.Success($"backed up {manifest.Files.Count} files ({manifest.Files.Sum(f => f.Bytes):N0} bytes) to {target}");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Ledger[/]"), new Text(manifest.Ledger is { } l
            ? $"block {l.Height}  {l.Head}  state root {l.StateRoot}"
            : "not in this folder (PostgreSQL): back it up with the database's own tools (pg_dump / pg_basebackup), or rebuild it with --resync"));
        grid.AddRow(new Markup("[grey]Keys[/]"), new Text("copied encrypted, as on disk; keep the node passphrase apart from the backup"));
        session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}

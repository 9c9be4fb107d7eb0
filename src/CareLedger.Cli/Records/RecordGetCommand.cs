using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>
/// Reads and decrypts a record, if a grant of the patient covers the reader (or, stating a reason, a
/// licensed practitioner breaks the glass). Every attempt lands in the patient's access log.
/// </summary>
public sealed class RecordGetCommand(CliSession session) : AsyncCommand<RecordGetCommand.Settings>
{
    public sealed class Settings : RecordSettings
    {
        [CommandOption("--version <N>")]
        [Description("An earlier version. Default: the latest")]
        public long? Version { get; init; }

        [CommandOption("--break-glass <REASON>")]
        [Description("Emergency access by a licensed practitioner, without a grant; the reason is shown to the patient")]
        public string? BreakGlass { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Write the FHIR JSON to this file instead of printing it")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (Version is < 1) return ValidationResult.Error($"--version must be 1 or more, not {Version}");
            if (BreakGlass is not null && string.IsNullOrWhiteSpace(BreakGlass)) return ValidationResult.Error("--break-glass needs a reason, which the patient will read");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        // Checked first: the read is logged for the patient, so it should not be wasted on a typo.
        if (settings.Out is not null && Path.GetDirectoryName(Path.GetFullPath(settings.Out)) is { } folder && !Directory.Exists(folder))
            throw new CliException($"--out: there is no folder {folder}");
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var (envelope, json) = await new RecordsClient(new NodeClient(http)).ReadAsync(key, settings.Record, settings.Version, settings.BreakGlass, ct);
        var pretty = FhirFile.Pretty(json);
        var what = $"{envelope.Type} record {envelope.Record}, version {envelope.Version}";

        if (settings.Out is null)
        {
            session.WriteRaw(pretty);
            session.Note($"{what}, read for purpose '{envelope.Purpose}'");
        }
        else
        {
            await File.WriteAllTextAsync(settings.Out, pretty + Environment.NewLine, ct);
            session.Success($"{what} written to {settings.Out}");
            var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
            grid.AddRow(new Markup("[grey]Purpose[/]"), new Text(envelope.Purpose));
            grid.AddRow(new Markup("[grey]Break-glass[/]"), envelope.BreakGlass ? new Markup("[red bold]yes[/]") : new Text("no"));
            grid.AddRow(new Markup("[grey]Author[/]"), new Text(settings.Names().Of(envelope.Author)));
            grid.AddRow(new Markup("[grey]Written[/]"), new Text(LedgerTime.Format(envelope.Time)));
            session.Out.Write(grid);
        }
        if (envelope.BreakGlass)
            session.Warning($"break-glass read: the patient's access log shows it as emergency access, with your reason \"{settings.BreakGlass}\"");
        else if (settings.BreakGlass is not null)
            session.Note("the glass was not broken: a grant of the patient covers this read");
        return ExitCodes.Ok;
    }
}

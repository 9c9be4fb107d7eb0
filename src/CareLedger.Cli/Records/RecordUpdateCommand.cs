using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>Adds a new version of a record; earlier versions stay readable with 'record get --version'.</summary>
public sealed class RecordUpdateCommand(CliSession session) : AsyncCommand<RecordUpdateCommand.Settings>
{
    public sealed class Settings : RecordSettings
    {
        [CommandOption("--file <FILE>", isRequired: true)]
        [Description("The new version: a FHIR R4 resource of the record's type, as JSON")]
        public string File { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var resource = FhirFile.Read(settings.File);
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var txId = await new RecordsClient(new NodeClient(http)).UpdateAsync(key, settings.Record, resource.Json, ct);

        session.Success($"{resource.Type} record {settings.Record} updated");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Transaction[/]"), new Text(txId));
        session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}

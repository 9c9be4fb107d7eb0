using System.ComponentModel;
using System.Globalization;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>A record's versions as the ledger holds them: who wrote each, when, and the hash of its ciphertext.</summary>
public sealed class RecordHistoryCommand(CliSession session) : AsyncCommand<RecordHistoryCommand.Settings>
{
    public sealed class Settings : RecordSettings
    {
        [CommandOption("--json")]
        [Description("Print the record's metadata and versions as JSON")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var record = await new RecordsClient(new NodeClient(http)).HistoryAsync(key, settings.Record, ct);
        if (settings.Json)
        {
            session.WriteJson(record);
            return ExitCodes.Ok;
        }

        var names = settings.Names();
        var title = $"{record.Type} record {record.Record} of {names.Of(record.Patient)}" + (record.Erased ? " (erased)" : "");
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn(new TableColumn("Version").RightAligned()).AddColumn("Time (UTC)").AddColumn("Author").AddColumn("Content hash").AddColumn("Transaction");
        foreach (var v in record.Versions)
            table.AddRow(new Text(v.Version.ToString(CultureInfo.InvariantCulture)), new Text(LedgerTime.FormatUtc(v.Time)), new Text(names.Of(v.Author)),
                new Text(AccountNames.Short(v.ContentHash)), new Text(v.Tx));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }
}

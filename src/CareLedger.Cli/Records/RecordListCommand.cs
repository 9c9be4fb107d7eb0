using System.ComponentModel;
using System.Globalization;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>A patient's records that the signer may read: all of them for the patient, those under a grant for anyone else.</summary>
public sealed class RecordListCommand(CliSession session) : AsyncCommand<RecordListCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--patient <ACCOUNT>")]
        [Description("Whose records: an account id or a key name in the keystore. Default: the signer's own")]
        public string? Patient { get; init; }

        [CommandOption("--json")]
        [Description("Print the records as JSON")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        AccountId? patient = settings.Patient is null ? null : settings.ResolveAccount(settings.Patient);
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var records = await new RecordsClient(new NodeClient(http)).ListAsync(key, patient, ct);
        if (settings.Json)
        {
            session.WriteJson(records);
            return ExitCodes.Ok;
        }
        var whose = settings.Patient ?? settings.Key;
        if (records.Count == 0)
        {
            session.Out.MarkupLineInterpolated($"{whose} has no records. Add one with [bold]careledger record add --patient {whose} --file <resource.json>[/].");
            return ExitCodes.Ok;
        }

        var names = settings.Names();
        var table = new Table().Border(TableBorder.Rounded).Title($"Records of {Markup.Escape(whose)}")
            .AddColumn("Record").AddColumn("Type").AddColumn(new TableColumn("Version").RightAligned())
            .AddColumn("Author").AddColumn("Created (UTC)").AddColumn("Updated (UTC)");
        foreach (var r in records)
            table.AddRow(new Text(r.Record), new Text(r.Type), new Text(r.Version.ToString(CultureInfo.InvariantCulture)), new Text(names.Of(r.Author)),
                new Text(LedgerTime.FormatUtc(r.Created)), r.Erased ? new Markup("[grey]erased[/]") : new Text(LedgerTime.FormatUtc(r.Updated)));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }
}

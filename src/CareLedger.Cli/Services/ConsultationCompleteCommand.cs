using System.ComponentModel;
using CareLedger.Cli.Records;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>
/// The practitioner completes a consultation with its signed summary: the FHIR Encounter is added
/// to the patient's records (encrypted here, under their treatment grant), then names the booking's summary.
/// </summary>
public sealed class ConsultationCompleteCommand(CliSession session) : ServicesCommand<ConsultationCompleteCommand.Settings>(session)
{
    public sealed class Settings : BookingSettings
    {
        [CommandOption("--summary-file <FILE>", isRequired: true)]
        [Description("The consultation's summary as a FHIR R4 Encounter (JSON)")]
        public string SummaryFile { get; init; } = "";
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var summary = FhirFile.Read(settings.SummaryFile);
        if (summary.Type != "Encounter") throw new CliException($"{settings.SummaryFile} holds a {summary.Type}; a consultation summary is an Encounter. Nothing was sent");
        using var key = settings.LoadKey(Session);
        var (record, receipt) = await services.CompleteWithSummaryAsync(key, settings.Booking, summary.Json, ct);
        ReceiptView.Render(Session.Out, receipt, "services.complete");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Summary record[/]"), new Text(record.Record));
        grid.AddRow(new Markup("[grey]Record added in[/]"), new Text(record.TxId));
        Session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}
